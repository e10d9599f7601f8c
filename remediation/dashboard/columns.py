"""What the dashboard's SQL and its Python both name: the aggregate columns
and the provincial kinds of agency."""

from agencies.models import AgencyKind

# The columns of every aggregate row, after its keys: ``figures.Counts``'s fields.
COUNT_COLUMNS = (
    "total",
    "completed_on_time",
    "completed_late",
    "in_time",
    "due_soon",
    "overdue",
    "oldest_due",
)

# The by-agency table's first group (``presentation.GROUP_LABELS``).
PROVINCIAL = frozenset({AgencyKind.PROVINCIAL_PC, AgencyKind.DEPARTMENT, AgencyKind.PUBLIC_UNIT})
