# cell: -
# loses: test_quality, test_report_reproduces
# files: untrained
# why: a baseline run was not trained (or not saved after training): its generator draws noise, and the report does not describe it
