"""Read models derived from the journeys' events: what each row says, and the log follower."""
