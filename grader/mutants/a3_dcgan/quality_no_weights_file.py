# cell: -
# kills: test_quality_recognizable, test_quality_reference
# files: none
# why: forgets to submit a3_generator.npz
