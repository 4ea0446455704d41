"""共驻共建: resident units, the three lists (needs, resources, joint projects) and their figures."""
