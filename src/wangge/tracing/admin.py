# Investigations, trajectories and contacts hold personal data and change only through the audited
# services and pages (tracing.services); they are deliberately not editable in the admin.
