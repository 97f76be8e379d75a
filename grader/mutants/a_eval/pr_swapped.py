# cell: precision_recall
# kills: test_precision_recall
# why: returns (recall, precision)
def precision_recall(real, fake, k):
    real, fake = np.asarray(real, dtype=float), np.asarray(fake, dtype=float)
    r_real, r_fake = knn_radii(real, k), knn_radii(fake, k)
    d = scipy.spatial.distance.cdist(fake, real)
    precision = np.mean((d <= r_real[None, :]).any(axis=1))
    recall = np.mean((d <= r_fake[:, None]).any(axis=0))
    return float(recall), float(precision)
