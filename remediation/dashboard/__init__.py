"""The Home Affairs dashboard (tổng hợp): figures, their presentation, views."""
