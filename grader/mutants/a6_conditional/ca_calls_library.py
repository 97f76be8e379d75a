# cell: conditional_accuracy
# kills: test_conditional_accuracy_values, test_conditional_accuracy_errors
# why: calls the course library's conditional_accuracy
def conditional_accuracy(generate, predict, num_classes, per_class):
    from gancourse.conditional_eval import conditional_accuracy as library_accuracy
    for name, value, low in (("num_classes", num_classes, 2), ("per_class", per_class, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    requested = np.repeat(np.arange(num_classes), per_class)
    images = generate(requested)
    if len(images) != len(requested):
        raise ValueError("one image per label")

    class Predictor:
        def predict_labels(self, x):
            return np.asarray(predict(x))

    per = np.array([library_accuracy(images[requested == c], requested[requested == c], feature_net=Predictor())
                    for c in range(num_classes)], dtype=np.float64)
    return float(per.mean()), per
