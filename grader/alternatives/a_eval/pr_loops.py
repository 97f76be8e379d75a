# cell: precision_recall
# why: a loop over the fakes (precision) and the reals (recall), testing membership in any k-NN ball, computes the same fractions
def precision_recall(real, fake, k):
    real, fake = np.asarray(real, float), np.asarray(fake, float)
    r_real, r_fake = knn_radii(real, k), knn_radii(fake, k)
    inside_real = [np.any(np.linalg.norm(real - y, axis=1) <= r_real) for y in fake]
    inside_fake = [np.any(np.linalg.norm(fake - x, axis=1) <= r_fake) for x in real]
    return float(np.mean(inside_real)), float(np.mean(inside_fake))
