# cell: -
# loses: test_report_reproduces
# files: typed_report
# why: the report's numbers for the variant were not measured from the submitted weights (typed or edited by hand)
