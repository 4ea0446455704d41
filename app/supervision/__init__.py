"""限时办结 and 督办: the sweeper that finds overdue wishes and escalates them up the tree."""
