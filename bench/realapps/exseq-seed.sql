SET FOREIGN_KEY_CHECKS=0;
TRUNCATE Comments; TRUNCATE Favorites; TRUNCATE Followers; TRUNCATE TagLists; TRUNCATE ArticleTags; TRUNCATE Articles; TRUNCATE Tags; TRUNCATE Users;
SET FOREIGN_KEY_CHECKS=1;
INSERT INTO Users (id, email, username, password, bio, image) SELECT seq, CONCAT('user', seq, '@demo.com'), CONCAT('user', seq), '$2a$10$5DeKD.Aa/UkC397W6fC70u2lV8tFCtLC1tIn7kwucDVoa5FEb.3Ki', CONCAT('bio of user ', seq), '' FROM seq_1_to_2000;
INSERT INTO Articles (id, slug, title, description, body, createdAt, updatedAt, authorId)
  SELECT seq, CONCAT('how-to-tune-a-service-part-', seq), CONCAT('How to tune a service part ', seq), CONCAT('Description ', seq), REPEAT(CONCAT('Body text of article ', seq, '. '), 40),
    NOW() - INTERVAL ((seq*37) % 550) DAY - INTERVAL ((seq*13) % 86400) SECOND, NOW(), 1 + (seq*7919) % 2000 FROM seq_1_to_20000;
INSERT INTO Tags (name) SELECT CONCAT('tag', seq) FROM seq_1_to_50;
INSERT IGNORE INTO TagLists (articleId, TagName) SELECT seq, CONCAT('tag', 1 + seq % 50) FROM seq_1_to_20000;
INSERT IGNORE INTO TagLists (articleId, TagName) SELECT seq, CONCAT('tag', 1 + (seq*3+7) % 50) FROM seq_1_to_20000;
INSERT INTO Comments (body, createdAt, updatedAt, authorId, articleId) SELECT CONCAT('Comment ', seq), NOW() - INTERVAL seq MINUTE, NOW(), 1 + (seq*31) % 2000, 1 + (seq*7) % 20000 FROM seq_1_to_100000;
INSERT IGNORE INTO Favorites (UserId, articleId) SELECT 1 + seq % 2000, 1 + (seq*101) % 20000 FROM seq_1_to_30000;
INSERT IGNORE INTO Followers (userId, followerId) SELECT 1 + seq % 2000, 1 + (seq*17+1) % 2000 FROM seq_1_to_5000 WHERE 1 + seq % 2000 <> 1 + (seq*17+1) % 2000;
ANALYZE TABLE Users, Articles, Tags, TagLists, Comments, Favorites, Followers;
