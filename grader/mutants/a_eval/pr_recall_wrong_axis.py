# cell: precision_recall
# loses: test_precision_recall
# why: recall takes any() over the wrong axis: the fraction of generated balls that hold a real point, not the fraction of real points inside some generated ball
def precision_recall(real, fake, k):
    real, fake = np.asarray(real, dtype=float), np.asarray(fake, dtype=float)
    r_real, r_fake = knn_radii(real, k), knn_radii(fake, k)
    d = scipy.spatial.distance.cdist(fake, real)
    precision = np.mean((d <= r_real[None, :]).any(axis=1))
    recall = np.mean((d <= r_fake[:, None]).any(axis=1))
    return float(precision), float(recall)
