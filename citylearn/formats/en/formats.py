# English dates as the site has always written them ("3 March 2025"), not Django's American
# "March 3, 2025". French and Portuguese use Django's own formats for those languages.
DATE_FORMAT = "j F Y"
YEAR_MONTH_FORMAT = "F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
