"""The posts service: posts, replies, shares, timelines and the home feed (MongoDB)."""
