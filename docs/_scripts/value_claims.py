"""The claims of the "When does it help?" page, checked against its table.

``benchmarks/value.py`` (run by hand) writes ``docs/benchmarks/value.json``
and the table the page includes. Every docs build runs :func:`check`, so
that the build fails if a rerun of the benchmark stops supporting a
sentence of the page. Each claim below quotes the sentence it checks.
"""

import json
import statistics
from pathlib import Path

from skdae._plan import resolved_batch_size, resolved_epochs

VALUE = Path(__file__).resolve().parent.parent / "benchmarks" / "value.json"
IMPUTE = VALUE.with_name("impute.json")
IMPUTE_MORE = VALUE.with_name("impute_more.json")
TRANSFORM = VALUE.with_name("transform.json")
GOALS = VALUE.with_name("goals.json")
SEARCHES = VALUE.with_name("searches.json")
NOISE_AUTO = VALUE.with_name("noise_auto.json")
TABLES = VALUE.with_name("tabular.json")
IMPUTE_REAL = VALUE.with_name("impute_real.json")
GROUPED_LOSS = VALUE.with_name("grouped_loss.json")
TABLES_RERUN = VALUE.with_name("tabular_rerun.json")
TABLES_CONTROLS = VALUE.with_name("tabular_controls.json")
IMAGES = ["digits", "fashion_mnist_5000", "fashion_mnist_60000"]
TABULAR = ["breast_cancer", "wine"]
NOISY = ["gaussian_0.5", "masking_0.3"]
OTHERS = ["none", "pca", "dae_encoded", "augmented"]


def check(path=VALUE):
    results = json.loads(Path(path).read_text())
    scores = {name: result["scores"] for name, result in results.items()}
    for name in IMAGES:
        s = scores[name]
        # "On images that arrive noisy, the denoised output wins: ... ahead of
        # every other front end under both kinds of noise"
        for condition in NOISY:
            best_other = max(s[o][condition] for o in OTHERS)
            assert s["dae_denoised"][condition] > best_other, (name, condition)
        # "by 7 to 8 points on digits and 24 to 46 on Fashion-MNIST against
        # the classifier alone and PCA under Gaussian noise" (as the README)
        low, high = (7, 8) if name == "digits" else (24, 46)
        for other in ("none", "pca"):
            gain = s["dae_denoised"]["gaussian_0.5"] - s[other]["gaussian_0.5"]
            assert low <= round(100 * gain) <= high, (name, other, gain)
        # "and by 1 to 4 points against a classifier trained on
        # noise-augmented data"
        gain = s["dae_denoised"]["gaussian_0.5"] - s["augmented"]["gaussian_0.5"]
        assert 0.01 <= gain <= 0.045, (name, gain)
        # "On clean images it costs at most 1.2 points against the classifier
        # alone"
        assert s["dae_denoised"]["clean"] >= s["none"]["clean"] - 0.012, name
    # "on digits and on 5,000 Fashion-MNIST images, a third of a point at
    # most"
    for name in ("digits", "fashion_mnist_5000"):
        s = scores[name]
        assert s["dae_denoised"]["clean"] >= s["none"]["clean"] - 0.0033, name
    # "Against PCA on Gaussian noise, 15 points or more on Fashion-MNIST"
    for name in ("fashion_mnist_5000", "fashion_mnist_60000"):
        s = scores[name]
        assert s["dae_denoised"]["gaussian_0.5"] >= s["pca"]["gaussian_0.5"] + 0.15
    # "on breast_cancer and wine it stays within a point of the classifier
    # alone on clean data (0.977 against 0.979, and 0.989 against 0.983 on
    # wine, a lead of one sample"
    for name in TABULAR:
        s = scores[name]
        gap = s["none"]["clean"] - s["dae_denoised"]["clean"]
        assert abs(gap) <= 0.01, (name, gap)
    quoted = {"breast_cancer": (0.977, 0.979), "wine": (0.989, 0.983)}
    for name, figures in quoted.items():
        s = scores[name]
        found = (round(s["dae_denoised"]["clean"], 3), round(s["none"]["clean"], 3))
        assert found == figures, (name, found)
    # "On wine under Gaussian noise of 0.5 the denoised output loses 1.7
    # points to the classifier alone, and the classifier trained on noisy
    # copies is best"
    s = scores["wine"]
    loss = s["none"]["gaussian_0.5"] - s["dae_denoised"]["gaussian_0.5"]
    assert round(100 * loss, 1) == 1.7, loss
    assert s["augmented"]["gaussian_0.5"] == max(f["gaussian_0.5"] for f in s.values())
    # "The code (encoded output) is not the robust part: under Gaussian noise
    # it trails the denoised output on every image dataset"
    for name in IMAGES:
        s = scores[name]
        encoded, denoised = s["dae_encoded"], s["dae_denoised"]
        assert encoded["gaussian_0.5"] < denoised["gaussian_0.5"] - 0.05, name
    check_impute()
    check_impute_more()
    check_benchmarks_page()
    check_noise_auto()
    check_tables()
    check_categorical_tables_and_goals()
    check_tables_rerun()
    check_tables_controls()
    check_impute_real()
    check_grouped_loss()
    return results


def check_impute(path=IMPUTE):
    """The claims about missing values (user guide, this page, the
    imputer's docstring and the changelog)."""
    results = json.loads(Path(path).read_text())
    rmse = results["rmse"]
    fashion = {label: row["rmse"] for label, row in rmse["fashion_mnist_10k"].items()}
    seconds = {k: v["seconds"] for k, v in rmse["fashion_mnist_10k"].items()}
    wide = "skdae, (256,), masking 0.1, weight 5"
    narrow = "skdae, (512, 256), masking 0.3, weight 1"
    neighbours = "skdae, n_neighbors=5"
    # "on Fashion-MNIST it imputes better than KNNImputer(5) in under a third
    # of its time"
    assert fashion["skdae"] < fashion["KNN(5)"]
    assert seconds["skdae"] < seconds["KNN(5)"] / 3
    # "On small tabular data it is mixed: it imputes wine and digits best,
    # IterativeImputer imputes breast_cancer and diabetes best, and the
    # autoencoder beats KNNImputer on all four"; "the narrow setting imputes
    # breast_cancer, wine and digits better than the wide one and diabetes
    # worse"; "The emphasis helps ... the narrow one on diabetes only"
    for name in ("breast_cancer", "wine", "diabetes", "digits"):
        row = {label: value["rmse"] for label, value in rmse[name].items()}
        imputers = ("mean", "KNN(5)", "iterative", "skdae")
        best = min(imputers, key=row.get)
        assert best == ("skdae" if name in ("wine", "digits") else "iterative"), name
        assert row["skdae"] < row["KNN(5)"], name
        assert (row["skdae"] < row[wide]) == (name != "diabetes"), name
        assert (row["skdae, weight 5"] < row["skdae"]) == (name == "diabetes"), name
    # "the reconstruction is 0.2 points behind KNNImputer on the mean ... and
    # both are well ahead of IterativeImputer. With n_neighbors=5 the imputer
    # is the best front end: 0.929 against KNNImputer's 0.923, ahead on all
    # three draws, and about as accurate as the classifier on the complete
    # data (0.928)"; the docstring's "(0.923 against 0.921)".
    # Downstream accuracies are means over three draws of the holes.
    downstream = dict(results["downstream"])
    complete = downstream.pop("complete data")
    spread = {label: row["draws"] for label, row in downstream.items()}
    downstream = {label: row["mean"] for label, row in downstream.items()}
    assert max(downstream, key=downstream.get) == neighbours
    others = {k: v for k, v in downstream.items() if k != neighbours}
    assert max(others, key=others.get) == "KNN(5)"
    gap = downstream["KNN(5)"] - downstream["skdae"]
    assert round(100 * gap, 1) == 0.2, gap
    assert downstream["skdae"] > max(downstream["iterative"], downstream["mean"])
    assert all(n > k for n, k in zip(spread[neighbours], spread["KNN(5)"], strict=True))
    found = tuple(
        round(downstream[label], 3) for label in (neighbours, "KNN(5)", "skdae")
    )
    assert found == (0.929, 0.923, 0.921), found
    assert round(complete, 3) == 0.928
    assert abs(downstream[neighbours] - complete) < 0.002
    # "Their error is larger on most data (better than the reconstruction on
    # wine only, and worse on breast_cancer, diabetes, digits and
    # Fashion-MNIST)"
    for name in ("breast_cancer", "wine", "diabetes", "digits", "fashion_mnist_10k"):
        row = rmse[name]
        better = row[neighbours]["rmse"] < row["skdae"]["rmse"]
        assert better == (name == "wine"), name
    # "KNNImputer's from 0.919 to 0.925 over three draws of the holes"
    found = (round(min(spread["KNN(5)"]), 3), round(max(spread["KNN(5)"]), 3))
    assert found == (0.919, 0.925), found
    # "digits: RMSE 0.132 against 0.159 ... and classifies digits better
    # (0.921 against 0.910); on Fashion-MNIST it imputes much worse
    # (0.164 against 0.113). The emphasis helps the wide setting on
    # Fashion-MNIST (0.113 against 0.114 without it)" (the changelog and the
    # docstring too)
    found = (
        round(rmse["digits"]["skdae"]["rmse"], 3),
        round(rmse["digits"][wide]["rmse"], 3),
        round(downstream["skdae"], 3),
        round(downstream[wide], 3),
        round(fashion[narrow], 3),
        round(fashion["skdae"], 3),
        round(fashion["skdae, weight 1"], 3),
    )
    assert found == (0.132, 0.159, 0.921, 0.910, 0.164, 0.113, 0.114), found
    # "a logistic regression trained on the complete digits scores 0.929 on
    # test rows that KNNImputer filled and 0.924 on rows that the
    # autoencoder filled, although the reconstruction is closer to the
    # truth on both the strokes (RMSE 0.202 against 0.210) and the
    # background (0.080 against 0.095)"; "Fills from neighbours found
    # through the autoencoder score 0.933 with that classifier, with about the
    # reconstruction's error on these folds (strokes 0.201 against 0.202, and
    # 0.080 on the background for both)";
    # "behind on two draws of the holes, level on the third"
    keys = ("complete-data classifier", "rmse strokes", "rmse background")
    found = {
        label: tuple(round(row[key], 3) for key in keys)
        for label, row in results["diagnosis"].items()
    }
    assert found == {
        "KNN(5)": (0.929, 0.210, 0.095),
        "skdae": (0.924, 0.202, 0.080),
        neighbours: (0.933, 0.201, 0.080),
    }, found
    pairs = [
        (round(k, 3), round(d, 3))
        for k, d in zip(spread["KNN(5)"], spread["skdae"], strict=True)
    ]
    ahead = sum(k > d for k, d in pairs)
    level = sum(k == d for k, d in pairs)
    assert ahead == 2 and level == 1, pairs
    # "at about four times the time (digits: 13.3 s against 3.5 s)"
    digits_seconds = (
        rmse["digits"]["skdae"]["seconds"],
        rmse["digits"][wide]["seconds"],
    )
    assert 3 < digits_seconds[0] / digits_seconds[1] < 5, digits_seconds
    return results


def check_impute_more(path=IMPUTE_MORE):
    """The user guide's figures beside ``benchmarks/impute_more.py``'s table.

    "With 40% of digits missing n_neighbors=5 is 1.5 points ahead of both;
    with 5% missing the three are within 0.3 points, KNNImputer ahead. On
    breast_cancer and wine KNNImputer is the better front end, and the
    reconstruction the worst on wine"; "0.895 against 0.880 for both with
    40% missing" (the changelog).
    """
    results = json.loads(Path(path).read_text())
    neighbours = "skdae, n_neighbors=5"
    row = results["digits, 40% missing"]
    # Points between the figures the table prints (1.56 unrounded).
    ahead = round(row[neighbours], 3) - round(max(row["KNN(5)"], row["skdae"]), 3)
    assert round(100 * ahead, 1) == 1.5, ahead
    found = (round(row[neighbours], 3), round(row["KNN(5)"], 3), round(row["skdae"], 3))
    assert found == (0.895, 0.880, 0.880), found
    row = results["digits, 5% missing"]
    assert max(row, key=row.get) == "KNN(5)"
    assert max(row.values()) - min(row.values()) < 0.003, row
    for name in ("breast_cancer", "wine"):
        row = results[f"{name}, 20% missing"]
        assert max(row, key=row.get) == "KNN(5)", name
    row = results["wine, 20% missing"]
    assert min(row, key=row.get) == "skdae"
    return results


def check_benchmarks_page():
    """The figures the Benchmarks page quotes beside its tables."""
    # "Twelve quiet runs ... then 1.56x, 1.49x, 1.40x and 1.57x ... The
    # last run:"
    ratio = json.loads(TRANSFORM.read_text())["ratio"]
    assert round(ratio, 2) == 1.57, ratio
    goals = json.loads(GOALS.read_text())
    digits = goals["digits"]["dae"]
    # "with 0.723 and 0.938, in a median fit of 3.4 s"
    assert (round(digits["noisy"], 3), round(digits["clean"], 3)) == (0.723, 0.938)
    assert digits["noisy"] >= 0.72 and digits["clean"] >= 0.925
    assert round(digits["median_fit_seconds"], 1) == 3.4
    # "is met on breast_cancer (0.975 against 0.981) and on wine (0.983
    # against 0.983)"
    quoted = {"breast_cancer": (0.975, 0.981), "wine": (0.983, 0.983)}
    for name, (dae, alone) in quoted.items():
        row = goals[name]
        assert (round(row["dae"], 3), round(row["none"], 3)) == (dae, alone), name
        assert row["dae"] >= row["none"] - 0.01, name
    # "with 0.2 the mean stays within a point of the classifier alone on
    # breast_cancer and wine, and single seeds on wine still fall 2.3 points
    # below it"
    noise_auto = json.loads(NOISE_AUTO.read_text())
    for name in ("breast_cancer", "wine"):
        row = noise_auto[name]
        assert sum(row["auto"]) / len(row["auto"]) >= row["none"] - 0.01, name
    wine = noise_auto["wine"]
    assert round(100 * (wine["none"] - min(wine["auto"])), 1) == 2.3
    # "a 1-epoch refit takes 1.44x ... a 20-epoch refit 0.81x"
    searches = json.loads(SEARCHES.read_text())
    ratios = {refit["epochs"]: refit["ratio"] for refit in searches["refits"]}
    assert ratios == {1: 1.44, 20: 0.81}, ratios
    # "took 30.5 s for 100 fits, and 4.7 s with Pipeline(memory=...), which
    # reaches the same best score. PCA's search takes 2.4 s and scores
    # higher ... (0.874 against 0.846)"
    found = searches["searches"]
    pca, ours = found["PCA"], found["skdae"]
    cached = found["skdae, Pipeline(memory=...)"]
    assert (ours["seconds"], cached["seconds"], pca["seconds"]) == (30.5, 4.7, 2.4)
    assert ours["best_score"] == cached["best_score"] == 0.846
    assert pca["best_score"] == 0.874
    return goals, searches


def check_noise_auto():
    """The user guide's figures for ``noise_factor="auto"``."""
    results = json.loads(NOISE_AUTO.read_text())

    def points(name, noise_factor):
        row = results[name]
        return round(100 * (row["none"] - row[noise_factor][0]), 1)

    def mean(name, noise_factor):
        scores = results[name][noise_factor]
        return round(sum(scores) / len(scores), 3)

    # "0.5 costs 1.7 points of clean accuracy on wine and 3.3 on iris against
    # the classifier alone; 0.2 costs none on wine and 1.3 points on iris"
    assert (points("wine", "0.5"), points("iris", "0.5")) == (1.7, 3.3)
    assert points("wine", "auto") <= 0 and points("iris", "auto") == 1.3
    # "the mean rises from 0.970 to 0.974 on wine (the classifier alone:
    # 0.983), from 0.973 to 0.978 on breast_cancer (0.981) and from 0.931 to
    # 0.952 on iris (0.960)"
    quoted = {
        "wine": (0.970, 0.974, 0.983),
        "breast_cancer": (0.973, 0.978, 0.981),
        "iris": (0.931, 0.952, 0.960),
    }
    for name, figures in quoted.items():
        found = (mean(name, "0.5"), mean(name, "auto"), round(results[name]["none"], 3))
        assert found == figures, (name, found)
    # "single seeds still vary by 2 points on wine"
    wine = results["wine"]["auto"]
    assert round(100 * (max(wine) - min(wine))) == 2
    return results


def flat_text(path):
    """A file's text, its whitespace runs made single spaces."""
    return " ".join(Path(path).read_text().split())


def readme_text():
    """The README, its whitespace runs made single spaces."""
    return flat_text(Path(__file__).parents[2] / "README.md")


def seed_median(results, name, variant, classifier, kind="clean"):
    """The median over seeds of one cell of ``tabular.json``."""
    runs = results[name].values()
    return statistics.median(r["scores"][variant][classifier][kind] for r in runs)


def points_between(a, b):
    """``a - b`` in points of accuracy, to one decimal."""
    return round(100 * (a - b), 1)


def check_tables(path=TABLES):
    """The claims of the page's "Tables" section."""
    results = json.loads(Path(path).read_text())

    def score(name, variant, classifier, kind="clean"):
        return round(seed_median(results, name, variant, classifier, kind), 3)

    lr, hgb = "LogisticRegression", "HistGradientBoosting"
    recipe, beside = "tabular recipe", "raw + tabular recipe"
    denoised = "tabular recipe, denoised"
    numeric = ("Satellite", "LetterRecognition", "Shuttle")
    # "the median over seeds 0, 1 and 2"
    assert all(sorted(runs) == ["0", "1", "2"] for runs in results.values())
    # "4.1 points on Satellite (0.897, alone or beside the raw columns,
    # against 0.856), 18.6 on LetterRecognition (0.959 beside the raw columns
    # against 0.773) and 3.3 on Shuttle (0.999 against 0.966), where the
    # transformer's defaults give 3.2, 4.4 and 3.2"
    quoted = {
        "Satellite": (0.897, 0.856, 4.1, 3.2),
        "LetterRecognition": (0.959, 0.773, 18.6, 4.4),
        "Shuttle": (0.999, 0.966, 3.3, 3.2),
    }
    # README: "gave a linear model 4.1 points on Satellite, 18.6 on
    # LetterRecognition and 3.3 on Shuttle (median of three seeds)"
    readme = readme_text()
    assert (
        "4.1 points on Satellite, 18.6 on LetterRecognition and 3.3 on Shuttle"
        " (median of three seeds)"
    ) in readme
    for name, (ours, raw, gain, defaults) in quoted.items():
        assert (score(name, beside, lr), score(name, "raw", lr)) == (ours, raw), name
        assert points_between(ours, raw) == gain, name
        assert (
            points_between(score(name, "raw + skdae defaults", lr), raw) == defaults
        ), name
        best = max(score(name, v, lr) for v in results[name]["0"]["scores"])
        assert best == ours, name
    assert score("Satellite", recipe, lr) == 0.897
    # "within a point of gradient boosting on the raw columns (0.960)"
    assert score("LetterRecognition", "raw", hgb) == 0.960
    # "took 32 s; one on Shuttle's training folds (two thirds of 58,000
    # rows), 64 s"
    for name, quoted_seconds in {"LetterRecognition": 32, "Shuttle": 64}.items():
        seconds = [r["fit_seconds"][recipe] for r in results[name].values()]
        assert round(statistics.median(seconds)) == quoted_seconds, name
    assert results["Shuttle"]["0"]["shape"] == [58000, 9]
    # "by 0.0 points on Satellite and Shuttle (0.918 and 0.993, as the raw
    # columns) and by -0.4 on LetterRecognition (0.956 against 0.960)"
    for name, (ours, raw) in {
        "Satellite": (0.918, 0.918),
        "Shuttle": (0.993, 0.993),
        "LetterRecognition": (0.956, 0.960),
    }.items():
        assert (score(name, beside, hgb), score(name, "raw", hgb)) == (ours, raw)
    # "they cost LogisticRegression 10.2 points on Satellite (0.607 against
    # the raw columns' 0.709), while they gain 10.7 on LetterRecognition
    # (0.604 against 0.497)"
    for name, (ours, raw, change) in {
        "Satellite": (0.607, 0.709, -10.2),
        "LetterRecognition": (0.604, 0.497, 10.7),
    }.items():
        assert (score(name, recipe, lr, "noisy"), score(name, "raw", lr, "noisy")) == (
            ours,
            raw,
        ), name
        assert points_between(ours, raw) == change, name
    # "LR 0.838 against 0.709 on Satellite, 0.627 against 0.497 on
    # LetterRecognition and 0.973 against 0.837 on Shuttle; HGB, beside the
    # raw columns, 0.895 against 0.878 and 0.754 against 0.732, and alone
    # 0.969 against 0.928 on Shuttle"
    for name, (lr_ours, lr_raw, hgb_variant, hgb_ours, hgb_raw) in {
        "Satellite": (0.838, 0.709, f"raw + {denoised}", 0.895, 0.878),
        "LetterRecognition": (0.627, 0.497, f"raw + {denoised}", 0.754, 0.732),
        "Shuttle": (0.973, 0.837, denoised, 0.969, 0.928),
    }.items():
        assert score(name, denoised, lr, "noisy") == lr_ours, name
        assert score(name, "raw", lr, "noisy") == lr_raw, name
        assert score(name, hgb_variant, hgb, "noisy") == hgb_ours, name
        assert score(name, "raw", hgb, "noisy") == hgb_raw, name
    # "ahead of the raw columns under that noise with both classifiers on all
    # three numeric tables" (the denoised output, beside the raw columns too)
    for name in numeric:
        for classifier in (lr, hgb):
            assert score(name, denoised, classifier, "noisy") > score(
                name, "raw", classifier, "noisy"
            ) or score(name, f"raw + {denoised}", classifier, "noisy") > score(
                name, "raw", classifier, "noisy"
            ), (name, classifier)


def check_categorical_tables_and_goals(path=TABLES):
    """The claims of "Categorical tables" and "The goals, in one place"."""
    results = json.loads(Path(path).read_text())
    lr, hgb = "LogisticRegression", "HistGradientBoosting"

    def median(name, variant, classifier, kind="clean"):
        return seed_median(results, name, variant, classifier, kind)

    def best(name, classifier, kind="clean"):
        """The best autoencoder front end, alone or beside the raw columns."""
        variants = autoencoder_variants(results, name)
        return max(median(name, v, classifier, kind) for v in variants)

    categorical = ("DNA", "HouseVotes84", "Soybean")
    # "no front end gains LogisticRegression as much as a point"
    for name in categorical:
        raw = median(name, "raw", lr)
        gains = [median(name, v, lr) - raw for v in results[name]["0"]["scores"]]
        assert max(gains) < 0.01, name
    # "the defaults' denoised output beside the raw columns on DNA (0.939
    # against 0.932) and the recipe alone on HouseVotes84 (0.956 against
    # 0.952; PCA gives 0.959)"
    for name, variant, ours, raw in (
        ("DNA", "raw + skdae defaults, denoised", 0.939, 0.932),
        ("HouseVotes84", "tabular recipe", 0.956, 0.952),
    ):
        assert round(median(name, variant, lr), 3) == round(best(name, lr), 3) == ours
        assert round(median(name, "raw", lr), 3) == raw, name
    assert round(median("HouseVotes84", "PCA", lr), 3) == 0.959
    # "on Soybean every front end is behind the raw columns, the best (the
    # defaults beside them) by 0.6 points (0.9326 against 0.9385)"
    soybean_raw = median("Soybean", "raw", lr)
    assert all(
        median("Soybean", v, lr) < soybean_raw
        for v in results["Soybean"]["0"]["scores"]
        if v != "raw"
    )
    assert best("Soybean", lr) == median("Soybean", "raw + skdae defaults", lr)
    assert round(best("Soybean", lr), 4) == 0.9326 and round(soybean_raw, 4) == 0.9385
    assert points_between(best("Soybean", lr), soybean_raw) == -0.6
    # "the recipe is 0.3 points behind on DNA (0.9579 against 0.9605), 0.5 on
    # HouseVotes84 (0.956 against 0.961) and 0.9 on Soybean (0.921 against
    # 0.930)"
    for name, (ours, raw, behind) in {
        "DNA": (0.958, 0.960, -0.3),
        "HouseVotes84": (0.956, 0.961, -0.5),
        "Soybean": (0.921, 0.930, -0.9),
    }.items():
        recipe, raw_score = (
            median(name, "raw + tabular recipe", hgb),
            median(name, "raw", hgb),
        )
        assert (round(recipe, 3), round(raw_score, 3)) == (ours, raw), name
        assert points_between(recipe, raw_score) == behind, name
    dna = median("DNA", "raw + tabular recipe", hgb), median("DNA", "raw", hgb)
    assert tuple(round(s, 4) for s in dna) == (0.9579, 0.9605)
    # "LR 0.871 against 0.847 on DNA, 0.917 against 0.897 on HouseVotes84 and
    # 0.883 against 0.862 on Soybean; HGB 0.882 against 0.862, 0.910 against
    # 0.894 and 0.842 against 0.779"
    for classifier, quoted in {
        lr: {
            "DNA": (0.871, 0.847),
            "HouseVotes84": (0.917, 0.897),
            "Soybean": (0.883, 0.862),
        },
        hgb: {
            "DNA": (0.882, 0.862),
            "HouseVotes84": (0.910, 0.894),
            "Soybean": (0.842, 0.779),
        },
    }.items():
        for name, (ours, raw) in quoted.items():
            assert round(best(name, classifier, "noisy"), 3) == ours, (name, classifier)
            assert round(median(name, "raw", classifier, "noisy"), 3) == raw, name
    # The goals: "met (4.1 and 18.6)"; "missed on Soybean (0.6 behind); met on
    # the other five tables"
    goals = {name: tables_goals(results, name) for name in results}
    gains = {name: goal["LR"] for name, goal in goals.items()}
    assert (gains["Satellite"], gains["LetterRecognition"]) == (4.1, 18.6)
    assert {name for name, gain in gains.items() if gain < -0.5} == {"Soybean"}
    # README: "on categorical tables (DNA, HouseVotes84, Soybean) its best
    # setting stays within a point of the raw columns"
    readme = readme_text()
    assert (
        "on categorical tables (DNA, HouseVotes84, Soybean) its best setting stays"
        " within a point of the raw columns"
    ) in readme
    assert all(abs(gains[name]) < 1 for name in categorical)
    # "met on Satellite (+0.1), DNA (0.0) and Shuttle (+0.3); missed on
    # LetterRecognition (-0.4), HouseVotes84 (-0.5) and Soybean (-0.9)";
    # "Ahead on at least two tables: Satellite and Shuttle"
    beside = {name: goal["HGB"] for name, goal in goals.items()}
    assert beside == {
        "Satellite": 0.1,
        "DNA": 0.0,
        "Shuttle": 0.3,
        "LetterRecognition": -0.4,
        "HouseVotes84": -0.5,
        "Soybean": -0.9,
    }
    # The user guide's "Tables": "In front of gradient boosting, beside the
    # raw columns, it gained nothing on the six tables measured (0.0 points at
    # best, 0.9 lost on Soybean; no autoencoder setting gained more than 0.3)"
    guide = flat_text(Path(__file__).parents[1] / "user_guide.rst")
    assert (
        "In front of gradient boosting, beside the raw columns, it gained nothing"
        " on the six tables measured (0.0 points at best, 0.9 lost on Soybean; no"
        " autoencoder setting gained more than 0.3)" in guide
    )
    recipe_beside = {
        name: points_between(
            median(name, "raw + tabular recipe", hgb), median(name, "raw", hgb)
        )
        for name in results
    }
    assert len(recipe_beside) == 6 and max(recipe_beside.values()) == 0.0
    assert min(recipe_beside, key=recipe_beside.get) == "Soybean"
    assert recipe_beside["Soybean"] == -0.9
    assert max(beside.values()) == 0.3
    # "PCA's components beside the raw columns miss it on two of those three
    # tables by as much or more (-0.6 on LetterRecognition, -1.0 on Soybean)"
    pca = {
        name: points_between(median(name, "raw + PCA", hgb), median(name, "raw", hgb))
        for name in ("LetterRecognition", "HouseVotes84", "Soybean")
    }
    assert pca == {"LetterRecognition": -0.6, "HouseVotes84": 0.0, "Soybean": -1.0}
    assert all(pca[name] <= beside[name] for name in ("LetterRecognition", "Soybean"))
    # "A default tabular fit of LetterRecognition in at most 60 s: met (32 s)"
    seconds = [
        r["fit_seconds"]["tabular recipe"]
        for r in results["LetterRecognition"].values()
    ]
    assert round(statistics.median(seconds)) == 32
    # "Seed by seed ... the recipe beside the raw columns (gradient boosting's
    # best autoencoder front end on these three tables) changes
    # HistGradientBoosting's accuracy by +1.1, -1.1 and 0.0 points on
    # HouseVotes84 (seeds 0, 1 and 2; one of its 435 rows is 0.23 points), by
    # -0.4, -0.2 and -0.4 on LetterRecognition, and by -0.9, -2.0 and -2.6 on
    # Soybean"
    recipe = "raw + tabular recipe"
    for name, quoted in {
        "HouseVotes84": [1.1, -1.1, 0.0],
        "LetterRecognition": [-0.4, -0.2, -0.4],
        "Soybean": [-0.9, -2.0, -2.6],
    }.items():
        assert best_beside(results, name, hgb) == recipe, name
        assert sorted(results[name]) == ["0", "1", "2"], name
        assert paired_points(results, name, recipe, hgb) == quoted, name
    # "on Soybean the autoencoder's columns cost gradient boosting 1.9 points on
    # the mean of the three seeds"
    runs = results["Soybean"].values()
    mean = statistics.fmean(
        r["scores"][recipe][hgb]["clean"] - r["scores"]["raw"][hgb]["clean"]
        for r in runs
    )
    assert round(100 * mean, 1) == -1.9
    assert results["HouseVotes84"]["0"]["shape"][0] == 435
    assert round(100 / 435, 2) == 0.23


def autoencoder_variants(results, name):
    """The front ends of ``tabular.json`` that hold an autoencoder."""
    return [v for v in results[name]["0"]["scores"] if "skdae" in v or "recipe" in v]


def best_beside(results, name, classifier):
    """The autoencoder front end beside the raw columns with the best median."""
    beside = [v for v in autoencoder_variants(results, name) if v.startswith("raw + ")]
    return max(beside, key=lambda v: seed_median(results, name, v, classifier))


def paired_points(results, name, variant, classifier):
    """Seed by seed, ``variant`` minus the raw columns (the same folds), in
    points on clean test folds."""
    runs = results[name]
    return [
        points_between(
            runs[seed]["scores"][variant][classifier]["clean"],
            runs[seed]["scores"]["raw"][classifier]["clean"],
        )
        for seed in sorted(runs, key=int)
    ]


def tables_goals(results, name):
    """Points from the raw columns to the best autoencoder front end: before
    LogisticRegression (any), before HistGradientBoosting (beside the raw
    columns), on clean test folds, as "The goals, in one place" reads them."""
    lr, hgb = "LogisticRegression", "HistGradientBoosting"
    raw = {c: seed_median(results, name, "raw", c) for c in (lr, hgb)}
    best_lr = max(
        seed_median(results, name, v, lr) for v in autoencoder_variants(results, name)
    )
    best_hgb = seed_median(results, name, best_beside(results, name, hgb), hgb)
    return {
        "LR": points_between(best_lr, raw[lr]),
        "HGB": points_between(best_hgb, raw[hgb]),
    }


def check_tables_rerun(path=TABLES_RERUN, table_path=TABLES):
    """The claims of "The same benchmark on another machine" (and of the user
    guide's "Reproducibility")."""
    rerun = json.loads(Path(path).read_text())
    table = json.loads(Path(table_path).read_text())
    # "--datasets Satellite DNA HouseVotes84 Soybean --seeds 0 1 2";
    # "LetterRecognition's seed 0"
    numeric = ("LetterRecognition", "Satellite")
    assert sorted(rerun) == ["DNA", "HouseVotes84", *numeric, "Soybean"]
    moved = {"clean": [], "noisy": []}
    for name, runs in rerun.items():
        seeds = ["0"] if name == "LetterRecognition" else ["0", "1", "2"]
        assert sorted(runs) == seeds, name
        # "the table's scores on Satellite to the last digit ..., and so did
        # LetterRecognition's seed 0"; on the others "the raw columns and PCA
        # gave the same scores"
        may_move = set() if name in numeric else set(autoencoder_variants(rerun, name))
        for seed, run in runs.items():
            for variant, by_classifier in run["scores"].items():
                for classifier, kinds in by_classifier.items():
                    for kind, value in kinds.items():
                        then = table[name][seed]["scores"][variant][classifier][kind]
                        if variant in may_move:
                            moved[kind].append(abs(value - then))
                        else:
                            assert value == then, (name, seed, variant, classifier)
    # "236 of the 288 autoencoder cells moved: on clean test folds by up to
    # 1.9 points ..., under swap noise by up to 3.4"
    cells = moved["clean"] + moved["noisy"]
    assert (sum(d > 0 for d in cells), len(cells)) == (236, 288)
    assert round(100 * max(moved["clean"]), 1) == 1.9
    assert round(100 * max(moved["noisy"]), 1) == 3.4
    # "the recipe's fit took 27 s there"
    seconds = rerun["LetterRecognition"]["0"]["fit_seconds"]["tabular recipe"]
    assert round(seconds) == 27
    # "LogisticRegression's best on Soybean is 0.4 points behind the raw
    # columns on the rerun (met) against 0.6 in the table (missed). Gradient
    # boosting beside the raw columns stays within 0.3 points of them on DNA
    # (-0.1 on the rerun, 0.0 in the table) and short of that on HouseVotes84
    # (-0.7 and -0.5) and Soybean (-0.7 and -0.9)"; "One goal's verdict
    # changes": Satellite's and the others' stay.
    quoted = {
        "Satellite": ({"LR": 4.1, "HGB": 0.1}, {"LR": 4.1, "HGB": 0.1}),
        "DNA": ({"LR": 0.7, "HGB": -0.1}, {"LR": 0.7, "HGB": 0.0}),
        "HouseVotes84": ({"LR": 0.5, "HGB": -0.7}, {"LR": 0.5, "HGB": -0.5}),
        "Soybean": ({"LR": -0.4, "HGB": -0.7}, {"LR": -0.6, "HGB": -0.9}),
    }
    for name, figures in quoted.items():
        found = (tables_goals(rerun, name), tables_goals(table, name))
        assert found == figures, (name, found)
    # "On HouseVotes84 the rerun's best front end there (the defaults beside
    # the raw columns) is behind on the median of the seeds but ahead on each
    # of two seeds: paired on the same folds, +0.9, +1.4 and -1.1 points"
    hgb, defaults = "HistGradientBoosting", "raw + skdae defaults"
    assert best_beside(rerun, "HouseVotes84", hgb) == defaults
    assert paired_points(rerun, "HouseVotes84", defaults, hgb) == [0.9, 1.4, -1.1]
    # The user guide: "moved the scores of classifiers behind an autoencoder
    # by up to 3.4 points of accuracy"
    guide = flat_text(Path(__file__).parents[1] / "user_guide.rst")
    assert "by up to 3.4 points of accuracy" in guide


def check_tables_controls(path=TABLES_CONTROLS, table_path=TABLES):
    """The claims of "Why gradient boosting gains nothing: four controls"."""
    controls = json.loads(Path(path).read_text())
    table = json.loads(Path(table_path).read_text())
    lr, hgb = "LogisticRegression", "HistGradientBoosting"
    # "--seeds 0 1 2"; "on HouseVotes84 and Soybean"
    assert sorted(controls) == ["HouseVotes84", "Soybean"]
    assert all(sorted(runs) == ["0", "1", "2"] for runs in controls.values())

    def score(name, variant, classifier=hgb):
        runs = controls[name].values()
        scores = (r["scores"][variant][classifier] for r in runs)
        return round(statistics.median(scores), 3)

    recipe = "raw + tabular recipe"
    # "0.952 on HouseVotes84 and 0.912 on Soybean, against 0.956 and 0.921
    # with the features of the network fit on the whole training fold and
    # 0.961 and 0.930 on the raw columns alone"; "0.949 and 0.945 on
    # HouseVotes84 with swap noise of 0.3 and 0.5, 0.920 and 0.924 on Soybean"
    quoted = {
        "HouseVotes84": (0.952, 0.956, 0.961, 0.949, 0.945),
        "Soybean": (0.912, 0.921, 0.930, 0.920, 0.924),
    }
    for name, figures in quoted.items():
        assert (
            score(name, f"{recipe}, out-of-fold"),
            score(name, recipe),
            score(name, "raw"),
            score(name, f"{recipe}, swap 0.3"),
            score(name, f"{recipe}, swap 0.5"),
        ) == figures, name
        # "do worse, not better"; "does not close the gap either"; "Nor does
        # longer training"
        assert score(name, f"{recipe}, out-of-fold") < score(name, recipe), name
        assert all(
            points_between(score(name, f"{recipe}, {control}"), score(name, "raw"))
            < -0.3
            for control in ("swap 0.3", "swap 0.5", "epochs auto")
        ), name
    # "Nor does longer training: ... gives 0.954 and 0.921, and
    # LogisticRegression beside the raw columns 0.954 and 0.927 (0.952 and
    # 0.928 with the recipe's 60 epochs; 0.952 and 0.938 on the raw columns
    # alone)"
    longer = f"{recipe}, epochs auto"
    assert (score("HouseVotes84", longer), score("Soybean", longer)) == (0.954, 0.921)
    assert [
        (score(name, longer, lr), score(name, recipe, lr), score(name, "raw", lr))
        for name in ("HouseVotes84", "Soybean")
    ] == [(0.954, 0.952, 0.952), (0.927, 0.928, 0.938)]
    # "250 epochs of batch 64: 1,250 gradient steps on HouseVotes84's training
    # folds and 2,000 on Soybean's, against the recipe's 180 and 240"
    for name, steps, recipe_steps in (
        ("HouseVotes84", 1250, 180),
        ("Soybean", 2000, 240),
    ):
        n_rows = table[name]["0"]["shape"][0]
        n_train = n_rows - -(-n_rows // 3)  # the smallest training fold
        batch_size = resolved_batch_size("auto", n_train)
        epochs = resolved_epochs("auto", n_train, batch_size)
        assert (epochs, batch_size) == (250, 64), name
        assert epochs * -(-n_train // batch_size) == steps, name
        assert 60 * -(-n_train // 128) == recipe_steps, name
    # "its scores for the raw columns and for the recipe beside them equal the
    # table's, seed by seed, with both classifiers, to the last digit"
    for name, runs in controls.items():
        for seed, run in runs.items():
            for variant in ("raw", recipe):
                for classifier in (lr, hgb):
                    then = table[name][seed]["scores"][variant][classifier]["clean"]
                    assert run["scores"][variant][classifier] == then
                    folds = run["folds"][variant][classifier]
                    assert len(folds) == 3 and statistics.fmean(folds) == then
    # "where the rerun's machine above (an AMD EPYC) moved them"
    rerun = json.loads(Path(TABLES_RERUN).read_text())
    for name, runs in controls.items():
        assert any(
            run["scores"][recipe][classifier]
            != rerun[name][seed]["scores"][recipe][classifier]["clean"]
            for seed, run in runs.items()
            for classifier in (lr, hgb)
        ), name


def check_grouped_loss(path=GROUPED_LOSS):
    """The claims of the page's "A loss per category"."""
    results = json.loads(Path(path).read_text())
    lr, hgb = "LogisticRegression", "HistGradientBoosting"
    # "(seed 0)"
    assert sorted(results) == ["DNA", "HouseVotes84", "Soybean"]
    assert all(list(runs) == ["0"] for runs in results.values())

    def score(name, variant, classifier):
        return round(results[name]["0"][variant][classifier], 3)

    # "On HouseVotes84 it did not help: LogisticRegression 0.949 against
    # 0.954, HistGradientBoosting 0.954 with both."
    assert score("HouseVotes84", "per group", lr) == 0.949
    assert score("HouseVotes84", "per column", lr) == 0.954
    assert (
        score("HouseVotes84", "per group", hgb)
        == score("HouseVotes84", "per column", hgb)
        == 0.954
    )
    # "On Soybean, on the hidden activations alone, it gained
    # LogisticRegression 0.4 points (0.924 against 0.920) and
    # HistGradientBoosting 0.1 (0.920 against 0.918), and neither loss reached
    # the raw columns alone (0.925 and 0.930)."
    run = results["Soybean"]["0"]
    for classifier, (group, column, gain, raw) in {
        lr: (0.924, 0.920, 0.4, 0.925),
        hgb: (0.920, 0.918, 0.1, 0.930),
    }.items():
        assert score("Soybean", "per group", classifier) == group, classifier
        assert score("Soybean", "per column", classifier) == column, classifier
        change = points_between(
            run["per group"][classifier], run["per column"][classifier]
        )
        assert change == gain, classifier
        assert score("Soybean", "raw", classifier) == raw, classifier
        assert all(
            run[variant][classifier] < run["raw"][classifier]
            for variant in run
            if variant != "raw"
        ), classifier
    # "On DNA it was mixed: LogisticRegression 0.934 against 0.930 on the
    # hidden activations alone but 0.937 against 0.939 beside the raw
    # columns; HistGradientBoosting 0.911 with both alone, 0.955 against
    # 0.953 beside the raw columns."
    for variant, classifier, group, column in (
        ("", lr, 0.934, 0.930),
        ("raw + ", lr, 0.937, 0.939),
        ("", hgb, 0.911, 0.911),
        ("raw + ", hgb, 0.955, 0.953),
    ):
        assert score("DNA", f"{variant}per group", classifier) == group
        assert score("DNA", f"{variant}per column", classifier) == column
    # "the per-group loss runs from 0.5 points behind the per-column loss to
    # 0.7 ahead (Soybean's LogisticRegression beside the raw columns), with no
    # consistent sign"
    changes = {
        (name, variant, classifier): points_between(
            results[name]["0"][f"{variant}per group"][classifier],
            results[name]["0"][f"{variant}per column"][classifier],
        )
        for name in results
        for variant in ("", "raw + ")
        for classifier in (lr, hgb)
    }
    assert min(changes.values()) == -0.5 and max(changes.values()) == 0.7
    assert max(changes, key=changes.get) == ("Soybean", "raw + ", lr)
    assert all(
        min(v for k, v in changes.items() if k[0] == name)
        < 0
        < max(v for k, v in changes.items() if k[0] == name)
        for name in results
    )


def check_impute_real(path=IMPUTE_REAL):
    """The claims of the page's "On real missing data"."""
    results = json.loads(Path(path).read_text())
    pima = results["PimaIndiansDiabetes2"]["accuracy"]
    votes = results["HouseVotes84"]["accuracy"]
    soybean = results["Soybean"]["accuracy"]
    # every row run: no empty cell
    assert len(soybean) == len(votes) == 13
    # "0.3 points behind the mean on PimaIndiansDiabetes2 (0.763 against
    # 0.766), level on HouseVotes84 (0.959), and on Soybean the best imputer
    # by 0.1 points (0.931 against IterativeImputer's 0.930) and level with
    # the missing value kept as a level of its own (0.931)"
    assert (pima["skdae + LR"], pima["mean + LR"]) == (0.763, 0.766)
    assert votes["skdae + LR"] == votes["mean + LR"] == 0.959
    lr = {k: v for k, v in soybean.items() if k.endswith("+ LR") and "level" not in k}
    assert max(lr, key=lr.get) == "skdae + LR" and lr["skdae + LR"] == 0.931
    second = max(v for k, v in lr.items() if k != "skdae + LR")
    assert second == lr["iterative + LR"] == 0.930
    assert soybean["missing as a level + LR"] == 0.931
    # "n_neighbors=5 is best on PimaIndiansDiabetes2 (0.742 against 0.733 for
    # the native NaN handling), and on HouseVotes84 the native handling
    # (0.961) beats every imputer"
    hgb = {k: v for k, v in pima.items() if "HGB" in k}
    assert max(hgb, key=hgb.get) == "skdae, n_neighbors=5 + HGB"
    assert (hgb["skdae, n_neighbors=5 + HGB"], hgb["HGB, native NaN"]) == (0.742, 0.733)
    imputed = [v for k, v in votes.items() if k.endswith("+ HGB") and "level" not in k]
    assert votes["HGB, native NaN"] == 0.961 > max(imputed)
    # "on Soybean IterativeImputer is best (0.933, against 0.931 for the
    # native handling and 0.930 for the autoencoder)"
    hgb = {k: v for k, v in soybean.items() if "HGB" in k}
    assert (
        max(hgb, key=hgb.get) == "iterative + HGB" and hgb["iterative + HGB"] == 0.933
    )
    assert (hgb["HGB, native NaN"], hgb["skdae + HGB"]) == (0.931, 0.930)


if __name__ == "__main__":
    check()
    print("all claims hold")
