"""What a screen plays, pure (no Flask, no I/O): the schedule's segments, the programme woven
into them, the manifest a screen gets, previews, the days an item will not play, QR codes."""
