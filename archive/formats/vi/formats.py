# Dates as Vietnamese staff write them, dd/mm/yyyy, in pages and in the admin's date inputs
# (the first input format is also the one the admin's calendar writes).
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
# A month known alone, and the admin's drill-down by month: «tháng 5/2026». Django's "F Y"
# gave «Tháng năm 2026» (May), which reads as "month, year 2026".
YEAR_MONTH_FORMAT = r"\t\h\á\n\g n/Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
