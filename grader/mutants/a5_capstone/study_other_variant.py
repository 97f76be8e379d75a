# cell: study_choice
# loses: test_report_reproduces
# why: VARIANT was changed after the study ran (or the files come from another study): the submitted report and weights are not the variant this notebook declares
VARIANT = "hinge"
QUESTION = ("Does the hinge objective, whose discriminator stops pushing on samples it already classifies "
            "with a margin (Lim & Ye 2017), reach a lower FID and KID than the non-saturating baseline?")
