// RelayCXone
