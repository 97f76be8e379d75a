# cell: -
# kills: test_quality_reference
# files: early
# why: submits a generator trained for 600 of the 2,000 steps (recognisable, not reference quality)
