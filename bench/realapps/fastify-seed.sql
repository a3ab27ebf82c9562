BEGIN;
TRUNCATE users, articles, article_comments, relationships, user_favorite_articles, article_tags, tags RESTART IDENTITY CASCADE;
INSERT INTO users (id, email, username, encrypted_password, bio, image) SELECT n, 'user'||n||'@demo.com', 'user'||n, :'pw', 'bio of user '||n, '' FROM generate_series(1,2000) n;
INSERT INTO articles (id, slug, title, description, body, created_at, updated_at, favorites_count, author_id)
  SELECT n, 'how-to-tune-a-service-part-'||n, 'How to tune a service part '||n, 'Description '||n, repeat('Body text of article '||n||'. ', 40),
    now() - ((n*37) % 550 || ' days')::interval - ((n*13)%86400 || ' seconds')::interval, now(), 0, 1 + (n*7919) % 2000 FROM generate_series(1,20000) n;
INSERT INTO tags (id, name) SELECT n, 'tag'||n FROM generate_series(1,50) n;
INSERT INTO article_tags (article_id, tag_id) SELECT DISTINCT n, t FROM generate_series(1,20000) n, LATERAL (VALUES (1 + n % 50), (1 + (n*3+7) % 50)) v(t);
INSERT INTO article_comments (body, article_id, author_id, created_at) SELECT 'Comment '||n, 1 + (n*7) % 20000, 1 + (n*31) % 2000, now() - (n||' minutes')::interval FROM generate_series(1,100000) n;
INSERT INTO user_favorite_articles (user_id, article_id) SELECT DISTINCT 1 + n % 2000, 1 + (n*101) % 20000 FROM generate_series(1,30000) n;
UPDATE articles SET favorites_count = f.c FROM (SELECT article_id, count(*) c FROM user_favorite_articles GROUP BY 1) f WHERE f.article_id = articles.id;
INSERT INTO relationships (followed_id, follower_id) SELECT DISTINCT 1 + n % 2000, 1 + (n*17+1) % 2000 FROM generate_series(1,5000) n WHERE 1 + n % 2000 <> 1 + (n*17+1) % 2000;
SELECT setval('users_id_seq', 2001); SELECT setval('articles_id_seq', 20001); SELECT setval('tags_id_seq', 51);
COMMIT;
ANALYZE;
