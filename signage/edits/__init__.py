"""Changes to the playlists folder: saving a file (validated, If-Match, audited, under the edit
lock), drafts held for review, and a reviewer's decision on them and on uploads."""
