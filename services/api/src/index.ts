export { AppModule } from './app.module';
export { createApp } from './bootstrap/create-app';
export { startServer, type RunningServer } from './bootstrap/start-server';
export { allMigrations, allEntities } from './migrations';
