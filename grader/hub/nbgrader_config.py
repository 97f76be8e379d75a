# nbgrader settings every user of the hub shares (students, instructors and the Formgrader
# service): install.sh copies this file to /opt/tljh/user/etc/jupyter/nbgrader_config.py, a
# folder of the users' Python environment that nbgrader reads.
#
# One course, one exchange folder that every login may write to (mode 1777: nbgrader's
# release/submit permissions keep students out of each other's submissions).  Students are
# known by their hub login; no student_id is set here.
c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "gancourse"
c.Exchange.root = "/srv/nbgrader/exchange"
