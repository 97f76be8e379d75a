# cell: gradient_penalty
# kills: test_gradient_penalty_closed_forms
# why: calls the course library's gradient penalty instead of implementing it
from gancourse.objectives import gradient_penalty as _library_penalty


def gradient_penalty(critic, real, fake, alpha, weight=10.0):
    return _library_penalty(critic, real, fake, weight=weight, alpha=alpha)
