-- realistic volumes: 2000 users, 20000 articles, 100000 comments, 50 tags, 40000 article-tags, 30000 favorites, 5000 follows
BEGIN;
TRUNCATE users, articles, comments, favorites, followers, tags, articles_tags CASCADE;
CREATE TEMP TABLE u AS SELECT n, gen_random_uuid() AS id FROM generate_series(1,2000) n;
INSERT INTO users (id, email, username, image, bio, password, created_at, updated_at)
  SELECT id, 'user'||n||'@demo.com', 'user'||n, '', 'bio of user '||n, :'pw', now() - (n||' hours')::interval, now() FROM u;
CREATE TEMP TABLE a AS SELECT g.n, gen_random_uuid() AS id, u.id AS author,
  now() - ((g.n * 37) % 550 || ' days')::interval - ((g.n*13)%86400 || ' seconds')::interval AS ts FROM generate_series(1,20000) g(n) JOIN u ON u.n = 1 + (g.n*7919) % 2000;
INSERT INTO articles (id, slug, title, body, description, favorites_count, author, created_at, updated_at)
  SELECT id, 'how-to-tune-a-service-part-'||n, 'How to tune a service part '||n, repeat('Body text of article '||n||'. ', 40), 'Description '||n, 0, author, ts, ts FROM a;
CREATE TEMP TABLE t AS SELECT n, gen_random_uuid() AS id FROM generate_series(1,50) n;
INSERT INTO tags (id, name) SELECT id, 'tag'||n FROM t;
INSERT INTO articles_tags (id, article, tag) SELECT gen_random_uuid(), a.id, t.id FROM a JOIN t ON t.n = 1 + a.n % 50 OR t.n = 1 + (a.n*3+7) % 50;
INSERT INTO comments (id, body, author, article, created_at, updated_at)
  SELECT gen_random_uuid(), 'Comment '||g.n, u.id, a.id, now() - (g.n||' minutes')::interval, now() FROM generate_series(1,100000) g(n) JOIN u ON u.n = 1 + (g.n*31) % 2000 JOIN a ON a.n = 1 + (g.n*7) % 20000;
INSERT INTO favorites (id, "user", article) SELECT gen_random_uuid(), u.id, a.id FROM generate_series(1,30000) g(n) JOIN u ON u.n = 1 + g.n % 2000 JOIN a ON a.n = 1 + (g.n*101) % 20000;
UPDATE articles SET favorites_count = f.c FROM (SELECT article, count(*) c FROM favorites GROUP BY article) f WHERE f.article = articles.id;
INSERT INTO followers (id, "user", follower) SELECT gen_random_uuid(), u1.id, u2.id FROM generate_series(1,5000) g(n) JOIN u u1 ON u1.n = 1 + g.n % 2000 JOIN u u2 ON u2.n = 1 + (g.n*17+1) % 2000 WHERE u1.id <> u2.id ON CONFLICT DO NOTHING;
COMMIT;
ANALYZE;
