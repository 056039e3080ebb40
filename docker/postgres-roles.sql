-- Roles for Cordon's row-level security (README, "Security"). Run once by the postgres image on
-- a fresh data volume; on an existing volume run it by hand (psql -U cordon -d cordon -f …).
-- cordon (the image's superuser) owns the schema and migrates it (DATABASE_OWNER_URL); the API
-- and the worker log in as cordon_api, which owns nothing and can only switch to the two roles.
CREATE ROLE cordon_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
CREATE ROLE cordon_system NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
CREATE ROLE cordon_api LOGIN PASSWORD 'cordon_api' NOSUPERUSER NOBYPASSRLS NOINHERIT IN ROLE cordon_app, cordon_system;
