BEGIN;
TRUNCATE "user", article, comment, follows, user_favorites_article, tag RESTART IDENTITY CASCADE;
INSERT INTO "user" (id, username, email, bio, image, password) SELECT n, 'user'||n, 'user'||n||'@demo.com', 'bio of user '||n, '', :'pw' FROM generate_series(1,2000) n;
INSERT INTO article (id, slug, title, description, body, created, updated, "tagList", "favoriteCount", "authorId")
  SELECT n, 'how-to-tune-a-service-part-'||n, 'How to tune a service part '||n, 'Description '||n, repeat('Body text of article '||n||'. ', 40),
    now() - ((n*37) % 550 || ' days')::interval - ((n*13)%86400 || ' seconds')::interval, now(), 'tag'||(1+n%50)||',tag'||(1+(n*3+7)%50), 0, 1 + (n*7919) % 2000 FROM generate_series(1,20000) n;
INSERT INTO tag (id, tag) SELECT n, 'tag'||n FROM generate_series(1,50) n;
INSERT INTO comment (body, "articleId") SELECT 'Comment '||n, 1 + (n*7) % 20000 FROM generate_series(1,100000) n;
INSERT INTO user_favorites_article ("userId", "articleId") SELECT DISTINCT 1 + n % 2000, 1 + (n*101) % 20000 FROM generate_series(1,30000) n;
UPDATE article SET "favoriteCount" = f.c FROM (SELECT "articleId", count(*) c FROM user_favorites_article GROUP BY 1) f WHERE f."articleId" = article.id;
INSERT INTO follows ("followerId", "followingId") SELECT DISTINCT 1 + (n*17+1) % 2000, 1 + n % 2000 FROM generate_series(1,5000) n WHERE 1 + n % 2000 <> 1 + (n*17+1) % 2000;
SELECT setval('user_id_seq', 2001); SELECT setval('article_id_seq', 20001); SELECT setval('tag_id_seq', 51);
COMMIT;
ANALYZE;
