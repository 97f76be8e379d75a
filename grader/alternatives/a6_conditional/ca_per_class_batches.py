# cell: conditional_accuracy
# why: one generate and predict call per class, the overall accuracy as the mean of the per-class ones
def conditional_accuracy(generate, predict, num_classes, per_class):
    for name, value, low in (("num_classes", num_classes, 2), ("per_class", per_class, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    per = np.zeros(num_classes)
    for c in range(num_classes):
        labels = np.full(per_class, c)
        images = generate(labels)
        if len(images) != per_class:
            raise ValueError("generate must return one image per label")
        predicted = np.asarray(predict(images)).reshape(-1)
        if predicted.shape != (per_class,):
            raise ValueError("predict must return one class per image")
        per[c] = np.mean(predicted == c)
    return float(per.mean()), per
