# cell: -
# kills: test_report_reproduces, test_quality
# files: none
# why: submits the notebook without the study's weights files and report
