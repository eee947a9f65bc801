package lib.helpers

yes := true
