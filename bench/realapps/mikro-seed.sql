SET FOREIGN_KEY_CHECKS=0;
TRUNCATE comment; TRUNCATE user_favorites; TRUNCATE user_to_follower; TRUNCATE article; TRUNCATE tag; TRUNCATE `user`;
SET FOREIGN_KEY_CHECKS=1;
INSERT INTO `user` (id, username, email, bio, image, password) SELECT seq, CONCAT('user', seq), CONCAT('user', seq, '@demo.com'), CONCAT('bio of user ', seq), '', @pw FROM seq_1_to_2000;
INSERT INTO article (id, slug, title, description, body, created_at, updated_at, tag_list, author_id, favorites_count)
  SELECT seq, CONCAT('how-to-tune-a-service-part-', seq), CONCAT('How to tune a service part ', seq), CONCAT('Description ', seq), LEFT(REPEAT(CONCAT('Body text of article ', seq, '. '), 12), 250),
    NOW() - INTERVAL ((seq*37) % 550) DAY - INTERVAL ((seq*13) % 86400) SECOND, NOW(), CONCAT('tag', 1 + seq % 50, ',tag', 1 + (seq*3+7) % 50), 1 + (seq*7919) % 2000, 0 FROM seq_1_to_20000;
INSERT INTO tag (tag) SELECT CONCAT('tag', seq) FROM seq_1_to_50;
INSERT INTO comment (created_at, updated_at, body, article_id, author_id) SELECT NOW() - INTERVAL seq MINUTE, NOW(), CONCAT('Comment ', seq), 1 + (seq*7) % 20000, 1 + (seq*31) % 2000 FROM seq_1_to_100000;
INSERT IGNORE INTO user_favorites (user_id, article_id) SELECT 1 + seq % 2000, 1 + (seq*101) % 20000 FROM seq_1_to_30000;
UPDATE article a JOIN (SELECT article_id, COUNT(*) n FROM user_favorites GROUP BY article_id) f ON f.article_id = a.id SET a.favorites_count = f.n;
INSERT IGNORE INTO user_to_follower (follower, following) SELECT 1 + seq % 2000, 1 + (seq*17+1) % 2000 FROM seq_1_to_5000 WHERE 1 + seq % 2000 <> 1 + (seq*17+1) % 2000;
ANALYZE TABLE `user`, article, tag, comment, user_favorites, user_to_follower;
