"""Notifications (issue 18): replies, mentions, likes, shares, follows, follow requests and
accepted requests, stored in the posts service's MongoDB (docs/notifications.md).

Design: **one document per (recipient, type, subject, actor)**, grouped when read.

    notifications: {_id: uuid5(type, recipient, subject, actor), r: recipient, a: actor,
                    k: type, s: subject (post, follow or request id), p: post shown or null,
                    g: group key, t: when}
    notification_settings: {_id: str(recipient), read_up_to, only_from_following,
                            n, first, last (the statistics)}

Invariants (each named test proves it):

- **Idempotent, at least once**: the ``_id`` is derived from what happened, so writing the same
  notification again is a duplicate-key error read as "already there". The action's own service
  call writes it on every attempt, retries included (a retried like, a resumed post creation, a
  repeated signal), so a retry never notifies twice and a crash between the action and its
  notification is repaired by the retry (tests/posts/test_notifications.py
  ``test_a_retried_like_notifies_once``, ``test_a_resumed_reply_notifies_once``).
- **One write, no read**: an action adds one ``insert_one`` (or one unordered ``insert_many``
  for a post with a reply target and mentions) to its work (store.py); its recipients'
  statistics are upserted before it only when this process has not written them in the last
  minute (``stats.WRITE_EVERY_SECONDS``, with what it counted meanwhile: stats.py).
- **Statistics cover every entry** (but the last minute's of a process: readers' first
  windows are open above): written before the entries, by the seed and by
  ``ensure_schema``'s backfill; they size the reads' windows, never decide what is shown
  (stats.py, tests/posts/test_notification_windows.py).
- **Exact groups under concurrency**: 50 likes by distinct users are 50 documents, so the group
  counts 50 (``test_concurrent_likes_count_in_one_group``); no counter is read-modified-written.
- **Nobody is notified of their own action**: ``notify`` drops ``actor == recipient``.
- **Grouped at read time, each group once**: likes and shares of one post group together, as do
  the follows of one UTC day (Mastodon 4.3's grouped notifications); a group is listed on the
  page of its newest entry and never again (reads.py).
- **Expiry everywhere**: entries older than ``RETENTION`` are left out by every read (a bound of
  the indexed range) and deleted by ``purge`` (the fan-out worker's sweep and
  ``manage.py purge_notifications``); no TTL index, which FerretDB 1.24 does not honour.
- **Blocks and mutes at read time**: every read leaves out the actors the reader blocks, is
  blocked by or mutes (posts.safety's exclusions, the reader being the caller); a block also
  deletes the two users' notifications of each other (one indexed delete each way).
"""
