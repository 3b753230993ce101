"""The read models' tables, their generations, and the target a projector writes them through."""
