// The services of the real-services study (docs/realapps.md), shared by fetch.mjs and run.mjs.

/** The services of the study: source, commit, and the private database the audit uses. */
export const SERVICES = [
  {
    name: 'koa',
    repo: 'gothinkster/koa-knex-realworld-example',
    commit: '602e234139c453825eb3939cf24bdf00fc164e0e',
    db: { engine: 'postgres', name: 'ra_koa' },
  },
  {
    name: 'fastify',
    repo: 'lifeiscontent/fastify-realworld',
    commit: '0952f090ebfe63a7d96367202b7fde542b4eceb2',
    db: { engine: 'postgres', name: 'ra_fastify' },
  },
  {
    name: 'nest',
    repo: 'lujakob/nestjs-realworld-example-app',
    commit: 'c1c2cc4e448b279ff083272df1ac50d20c3304fa',
    db: { engine: 'postgres', name: 'ra_nest' },
  },
  {
    name: 'exseq',
    repo: 'chojs23/realword-express-sequelize',
    commit: '15e9a342067560dc128816a42c2cf19732014aa0',
    db: { engine: 'mariadb', name: 'ra_exseq' },
  },
  {
    name: 'mikro',
    repo: 'mikro-orm/nestjs-realworld-example-app',
    commit: 'd0030255517bb76b8d533d5470201314fdddce91',
    db: { engine: 'mariadb', name: 'ra_mikro' },
  },
];
