# cell: -
# kills: test_quality_recognizable, test_quality_reference
# files: untrained
# why: submits the weights of an untrained generator (training skipped or not saved)
