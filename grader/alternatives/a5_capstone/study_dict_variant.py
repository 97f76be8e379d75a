# cell: study_choice
# why: the same variant written as a dict of GAN.compile arguments instead of its menu name
VARIANT = {"objective": "lsgan"}
QUESTION = ("Does the least-squares objective of Mao et al. (2017), whose generator gradient does not vanish "
            "for fakes the discriminator rejects, reach a lower FID and KID than the baseline at the same budget?")
