"""Services: every read and write of the project, each taking a Session and checking access
itself, so the CLI, the web pages and scripts get the same rules and refusals."""
