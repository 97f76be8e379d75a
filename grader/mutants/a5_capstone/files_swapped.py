# cell: -
# loses: test_report_reproduces
# files: swapped
# why: the variant's and the baseline's weights files of one seed are exchanged: the report does not describe the files
