-- One database per service (each service owns its schema and migrations).
CREATE DATABASE naskah_sk;
CREATE DATABASE naskah_signature;
CREATE DATABASE naskah_report;
