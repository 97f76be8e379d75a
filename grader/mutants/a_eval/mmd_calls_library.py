# cell: kernel_mmd2
# kills: test_kernel_mmd2
# why: calls the course library's KID instead of writing the statistic
import gancourse.metrics


def kernel_mmd2(real, fake):
    n = min(len(real), len(fake))
    return gancourse.metrics.kid(real, fake, subsets=1, subset_size=n)[0]
