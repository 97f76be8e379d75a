# cell: precision_recall
# loses: test_precision_recall
# why: precision takes any() over the wrong axis: the fraction of real balls that hold a generated point, not the fraction of generated points inside some real ball
def precision_recall(real, fake, k):
    real, fake = np.asarray(real, dtype=float), np.asarray(fake, dtype=float)
    r_real, r_fake = knn_radii(real, k), knn_radii(fake, k)
    d = scipy.spatial.distance.cdist(fake, real)
    precision = np.mean((d <= r_real[None, :]).any(axis=0))
    recall = np.mean((d <= r_fake[:, None]).any(axis=0))
    return float(precision), float(recall)
