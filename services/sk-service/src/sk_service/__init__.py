"""sk-service: drafts SK Tim documents, converts them to PDF, runs the review loop."""
