# cell: feature_matching_loss
# kills: test_feature_matching_loss
# why: calls the course library instead of implementing feature matching
import gancourse.stabilize


def feature_matching_loss(real_features, fake_features):
    return gancourse.stabilize.feature_matching_loss(real_features, fake_features)
