import Backbones
import Commands
import Datasets
import Foundation
import Imaging
import Plots
import Tensors

/// `model …` commands: train, evaluate and predict with RLR.
public enum ModelCommands {
    public static let modelOption = OptionSpec("model", .path, help: "A checkpoint written by `model train` (.safetensors).",
                                        completion: .files(["safetensors"]))

    public static let commands: [CommandSpec] = [
        CommandSpec(
            path: ["model", "train"], abstract: "Trains one RLR model on the normal images of all the chosen categories together.",
            discussion: "Features come from the frozen backbone once (cached on disk under $RLR_CACHE/features unless --no-cache); "
                + "epochs then train only the RLR heads. Prints progress per epoch (loss, images/s, ETA). Ctrl-C stops at the end "
                + "of the current batch and still writes a usable checkpoint; --save-every N also writes it every N epochs; writes are atomic, so a crash or kill -9 leaves the previous "
                + "checkpoint intact, and --resume continues it to --epochs with the numbers of an uninterrupted run. "
                + "The last epoch is what is saved: no epoch is ever chosen by test results. "
                + "The cpu preset's 14 epochs suit a few hundred training images or more; a small set needs more "
                + "(the quick-start's 72 images take 30), since an epoch is then only a few steps.",
            options: [
                DataCommands.root, DataCommands.categories, DataCommands.layout,
                OptionSpec("out", short: "o", .path, help: "Checkpoint to write (.safetensors), atomically.", completion: .files(["safetensors"])),
                OptionSpec("preset", .choice(RLRConfig.presets.map(\.name)), default: .string(RLRConfig.presets[0].name),
                           help: RLRConfig.presets.map(\.help).joined(separator: ". ") + "."),
                OptionSpec("epochs", short: "e", .int(1...), default: .nil, help: "Epochs to train (default: the preset's)."),
                OptionSpec("batch", .int(1...), default: .nil, help: "Images per optimisation step (default: the preset's)."),
                OptionSpec("lr", .double(0...), default: .nil, help: "Peak Adam learning rate (default: the preset's)."),
                OptionSpec("schedule", .choice(LearningRateSchedule.Decay.allCases.map(\.rawValue)), default: .nil,
                           help: "Learning rate after the warm-up: constant, or cosine decay to zero at the last step (default: the preset's)."),
                OptionSpec("warmup", .double(0...), default: .nil, help: "Epochs of linear learning-rate warm-up (default: the preset's)."),
                OptionSpec("reference", .choice(ReferenceInit.allCases.map(\.rawValue)), default: .nil,
                           help: "Initial reference: normal (N(0, 1), the paper's) or features (the mean training tokens per position)."),
                OptionSpec("seed", short: "s", .int(0...), default: .int(3407), help: "Seed of initialisation, shuffling and jitter."),
                OptionSpec("layers", .int(1...), default: .nil, help: "Encoder layers per level (overrides the preset)."),
                OptionSpec("dims", .list(.int(8...)), default: .nil, help: "Hidden size per level, e.g. 128,256 (overrides the preset)."),
                OptionSpec("jitter", .double(0...), default: .nil, help: "Feature jitter alpha, 0 disables (default: the preset's)."),
                OptionSpec("hold-out", .double(0...1), default: .nil,
                           help: "Fraction of each category's normal training images kept out of training; their loss is "
                               + "reported after every epoch (nothing is selected by it: the last epoch is saved)."),
                OptionSpec("backbone", .string, default: .string("efficientnet-lite0"),
                           help: "Feature extractor (see `backbone list`; plugins add more)."),
                OptionSpec("blocks", .list(.string), default: .nil,
                           help: "Attention blocks summed in each layer, NAME:WEIGHT (default lca:2,mlka:1; see `attention list`)."),
                OptionSpec("taps", .list(.string), default: .list([.string("s8"), .string("s16")]), help: "Backbone taps, one RLR level each."),
                OptionSpec("size", .int(32...1024), default: .int(256), help: "Image side the images are resized to."),
                OptionSpec("resume", .bool, default: .bool(false), help: "Continue training the checkpoint at --out."),
                OptionSpec("save-every", .int(1...), default: .nil,
                           help: "Also write the checkpoint (atomically) every N epochs, so a crash loses at most N epochs."),
                OptionSpec("cache", .bool, default: .bool(true), help: "Reuse extracted features from the disk cache."),
                OptionSpec("track", .bool, default: .bool(false),
                           help: "After every epoch, also evaluate the test split of --root (mean I-AUROC / P-AUROC): to measure time to "
                               + "accuracy. Reporting only: nothing is chosen by it, and its time is not counted as training time."),
                OptionSpec("curve", .path, default: .nil,
                           help: "Write the per-epoch curve here (JSON records: epoch, training seconds, loss, validation, test metrics "
                               + "with --track), rewritten atomically after every epoch; `plot curve` draws it.", completion: .files(["json"])),
            ],
            examples: ["model train --root synthetic --categories washer,granite --epochs 1 --out synthetic.safetensors --track --curve synthetic-curve.json"],
            run: train),
        CommandSpec(
            path: ["model", "eval"], abstract: "Evaluates a model per category on a dataset's test split (I-AUROC, P-AUROC, AUPRO, AP, F1-max).",
            discussion: "Prints the per-category table and the mean over categories; metrics a category cannot support (pixel "
                + "metrics without masks) are null. A calibrated model (`model calibrate`) also gets its operating point per "
                + "category: FPR, TPR and precision of the image and pixel decisions at the stored thresholds. "
                + "Pixel metrics are exact up to 2^26 pixels per category (1,024 images of 256x256); past that they come "
                + "from score bins (32 MiB whatever the number of images) and the category's notes give each one's "
                + "worst-case distance from the exact value. "
                + "--json writes {protocol, categories (with operating_point when calibrated), mean, timing_s, images (path, "
                + "category, defect, anomalous, score, map per test image: what `plot grid` reads)}.",
            options: [
                modelOption, DataCommands.root, DataCommands.categories, DataCommands.layout,
                OptionSpec("json", .path, default: .nil, help: "Write the results as JSON here.", completion: .files(["json"])),
                OptionSpec("maps", .path, default: .nil, help: "Also write every test image's anomaly map (.npy) into this folder.",
                           completion: .directories),
            ],
            examples: ["model eval --model synthetic.safetensors --root synthetic --categories washer --json synthetic-eval.json"],
            run: evaluate),
        Prediction.command,
        CalibrateCommand.command,
    ] + ExploreCommands.commands

    // MARK: Train

    static func train(_ inv: Invocation) throws -> Value {
        let out = try inv.path("out")
        let opened = try DataCommands.open(inv)
        var dataset = opened.trainingSet
        guard dataset.count > 0 else { throw CommandError.badArgument(name: "--root", reason: "no training images (train/good) found") }
        let resume = try inv.bool("resume")
        var config = try configuration(inv)
        let backbone = try BackboneRegistry.make(try inv.string("backbone"))
        let identity = try Detector.identity(of: backbone, taps: try DataCommands.strings(inv, "taps"), imageSize: try inv.int("size"))

        var lossHistory: [Float] = [], validationHistory: [Float] = [], optimizerState: [String: Tensor] = [:]
        let network: RLRNetwork
        if resume {
            let checkpoint = try Checkpoint.load(out, expectedBackbone: identity)
            config = checkpoint.config
            if inv.has("epochs") { config.epochs = try inv.int("epochs") }
            network = try RLRNetwork(channels: identity.channels, sides: identity.sides, config: config)
            try network.load(stateDict: checkpoint.network.stateDict())
            (lossHistory, validationHistory, optimizerState) = (checkpoint.lossHistory, checkpoint.validationHistory, checkpoint.optimizerState)
            inv.print("resuming \(out) after \(lossHistory.count) epochs")
        } else {
            network = try RLRNetwork(channels: identity.channels, sides: identity.sides, config: config)
        }
        let detector = Detector(backbone: backbone, identity: identity, network: network)
        let categories = dataset.categories
        var heldOut: Dataset? = nil
        if let fraction = config.holdOut {
            (dataset, heldOut) = try dataset.holdingOut(fraction: fraction, seed: config.seed)
            inv.print("holding out \(heldOut!.count) images (\(fraction) of each category) to report a validation loss per epoch")
        }
        inv.print("training on \(dataset.count) images of \(dataset.categories.joined(separator: ", ")) "
                  + "(\(config.dims.map(String.init).joined(separator: "/")) hidden, \(config.layers) layers, "
                  + "\(network.parameterCount) parameters), \(config.epochs) epochs")

        if let estimate = try expectedSeconds(inv, config: config, identity: identity, images: dataset.count, epochs: config.epochs - lossHistory.count) {
            inv.print("expected: about \(RLRConfig.Preset.duration(estimate)) of training on 2 cores"
                      + (estimate > 3600 && config.schedule == nil ? " (--preset cpu trains a good model in minutes)" : ""))
        }
        let tokens = try cachedTokens(detector, dataset: dataset, useCache: try inv.bool("cache"), inv: inv)
        let validation = try heldOut.map { try cachedTokens(detector, dataset: $0, useCache: try inv.bool("cache"), inv: inv) }
        let trainer = try Trainer(network: network, lossHistory: lossHistory, validationHistory: validationHistory,
                                  optimizerState: optimizerState)
        var lastEpoch = lossHistory.count
        let saveEvery = inv.has("save-every") ? try inv.int("save-every") : nil
        func checkpoint() -> Checkpoint {
            Checkpoint(config: config, backbone: identity, categories: categories, network: network,
                       lossHistory: trainer.lossHistory, validationHistory: trainer.validationHistory,
                       optimizerState: trainer.optimizer.stateDict())
        }
        let curve = try trainingCurve(inv, detector: detector, data: opened, resumedEpochs: lossHistory.count)
        curve?.start()
        let outcome = try trainer.train(tokens: tokens, validation: validation, progress: { progress in
            inv.progress("epoch \(progress.epoch)/\(progress.epochs)", done: progress.batch, total: progress.batches)
            if progress.batch == progress.batches && progress.epoch > lastEpoch {
                lastEpoch = progress.epoch
                inv.print(progress.line)
            }
        }, shouldStop: { inv.context.interrupt.isSet }, epochEnded: { epoch in
            if let curve {
                inv.print(try curve.record(epoch: epoch, loss: trainer.lossHistory[epoch - 1], validation: trainer.validationHistory.last,
                                           shouldStop: { inv.context.interrupt.isSet }))
            }
            guard let saveEvery, epoch % saveEvery == 0, epoch < config.epochs else { return }
            try checkpoint().save(to: out)
            inv.print("saved \(out) after epoch \(epoch)")
        })
        let final = checkpoint()
        try final.save(to: out)
        if case .interrupted(let epochs) = outcome {
            inv.print("interrupted: saved \(out) after \(epochs) finished epochs (continue with --resume)")
        } else {
            inv.print("saved \(out)")
        }
        return .object(ModelObject(path: out, checkpoint: final, detector: detector))
    }

    /// The per-epoch curve when --curve or --track asks for one: the test split of `data` (the opened
    /// --root) preloaded once for --track; a resumed run continues the rows of its --curve file.
    static func trainingCurve(_ inv: Invocation, detector: Detector, data: Dataset, resumedEpochs: Int) throws -> TrainingCurve? {
        let track = try inv.bool("track")
        guard track || inv.has("curve") else { return nil }
        let path = inv.has("curve") ? try inv.path("curve") : nil
        var previous: [TrainingCurve.Row] = []
        if resumedEpochs > 0, let path, let data = FileManager.default.contents(atPath: path) {
            previous = Array(((try? JSONDecoder().decode([TrainingCurve.Row].self, from: data)) ?? []).prefix(resumedEpochs))
        }
        var test: (Dataset, Evaluation.Preloaded)? = nil
        if track {
            let testCount = data.subset(split: .test).count
            guard testCount > 0 else {
                throw CommandError.badArgument(name: "--track", reason: "\(try inv.path("root")) has no test images to track")
            }
            let preloaded = try Evaluation.preload(detector, on: data, progress: { inv.progress("test features", done: $0, total: $1) },
                                                   shouldStop: { inv.context.interrupt.isSet })
            inv.print("tracking \(testCount) test images after every epoch (reporting only: nothing is selected by them)")
            test = (data, preloaded)
        }
        return TrainingCurve(detector: detector, test: test, path: path, previous: previous)
    }

    /// Training seconds the preset's measured cost predicts, when the network is the preset's on
    /// EfficientNet-Lite0's default taps at 256 px (nil otherwise: no measurement covers it).
    static func expectedSeconds(_ inv: Invocation, config: RLRConfig, identity: BackboneIdentity, images: Int, epochs: Int) throws -> Double? {
        let name = try inv.string("preset")
        guard let preset = RLRConfig.presets.first(where: { $0.name == name }),
              preset.config.dims == config.dims, preset.config.layers == config.layers, preset.config.blocks == config.blocks,
              identity.name == "efficientnet-lite0", identity.taps == Detector.defaultTaps, identity.imageSize == 256 else { return nil }
        return preset.secondsPerThousandImages * Double(images) / 1000 * Double(Swift.max(0, epochs))
    }

    /// The configuration from --preset and the overriding options.
    static func configuration(_ inv: Invocation) throws -> RLRConfig {
        var config = RLRConfig.preset(try inv.string("preset"))!
        if inv.has("epochs") { config.epochs = try inv.int("epochs") }
        if inv.has("layers") { config.layers = try inv.int("layers") }
        if inv.has("dims") { config.dims = try inv.ints("dims") }
        if inv.has("blocks") {
            config.blocks = try DataCommands.strings(inv, "blocks").map { text in
                do {
                    let block = try AttentionBlock.parse(text)
                    _ = try BuiltInAttentionBlocks.definition(block.kind)
                    return block
                } catch { throw CommandError.badArgument(name: "--blocks", reason: "\(error)") }
            }
        }
        if inv.has("batch") { config.batchSize = try inv.int("batch") }
        if inv.has("lr") { config.learningRate = Float(try inv.double("lr")) }
        if inv.has("schedule") || inv.has("warmup") {
            var schedule = config.schedule ?? LearningRateSchedule()
            if inv.has("schedule") { schedule.decay = LearningRateSchedule.Decay(rawValue: try inv.string("schedule"))! }
            if inv.has("warmup") { schedule.warmupEpochs = try inv.double("warmup") }
            config.schedule = schedule
        }
        if inv.has("reference") { config.referenceInit = ReferenceInit(rawValue: try inv.string("reference"))! }
        config.seed = UInt64(try inv.int("seed"))
        if inv.has("jitter") { config.jitter = Float(try inv.double("jitter")) }
        config.imageSize = try inv.int("size")
        if inv.has("hold-out") { config.holdOut = try inv.double("hold-out") }
        return config
    }

    /// Training tokens from the disk cache, or extracted (and cached) with progress.
    static func cachedTokens(_ detector: Detector, dataset: Dataset, useCache: Bool, inv: Invocation) throws -> [Tensor] {
        let cache = FeatureCache()
        let key = cache.key(identity: detector.identity, samples: dataset.samples)
        if useCache, let tokens = cache.load(key, levels: detector.identity.taps.count), tokens[0].shape[0] == dataset.count {
            inv.print("features: \(dataset.count) images from the cache")
            return tokens
        }
        let start = Date()
        let tokens = try detector.tokens(of: dataset, indices: Array(dataset.samples.indices),
                                         progress: { inv.progress("features", done: $0, total: $1) },
                                         shouldStop: { inv.context.interrupt.isSet })
        let seconds = Date().timeIntervalSince(start)
        inv.print(String(format: "features: %d images in %.1f s (%.1f images/s)", dataset.count, seconds, Double(dataset.count) / seconds))
        if useCache { try cache.store(key, tokens: tokens) }
        return tokens
    }

    // MARK: Evaluate and predict

    /// The detector of a checkpoint, with its backbone.
    public static func loadDetector(_ path: String) throws -> (Detector, Checkpoint) {
        let checkpoint = try Checkpoint.load(path)
        return (try detector(of: checkpoint, path: path), checkpoint)
    }

    /// The detector of a loaded checkpoint, with its backbone (`path` names the file in errors).
    static func detector(of checkpoint: Checkpoint, path: String) throws -> Detector {
        let backbone = try BackboneRegistry.make(checkpoint.backbone.name)
        let identity = try Detector.identity(of: backbone, taps: checkpoint.backbone.taps, imageSize: checkpoint.backbone.imageSize)
        guard identity == checkpoint.backbone else {
            throw RLRError.incompatibleCheckpoint("\(path): its backbone \(checkpoint.backbone.name) now declares other taps than it was trained with")
        }
        return Detector(backbone: backbone, identity: identity, network: checkpoint.network)
    }

    static func evaluate(_ inv: Invocation) throws -> Value {
        let (detector, checkpoint) = try loadDetector(try inv.path("model"))
        let dataset = try DataCommands.open(inv)
        let mapsFolder = inv.has("maps") ? try inv.path("maps") : nil
        if let mapsFolder { try FileManager.default.createDirectory(atPath: mapsFolder, withIntermediateDirectories: true) }
        let mapPath = { (sample: Sample) -> String? in
            mapsFolder.map { "\($0)/\(sample.category.replacingOccurrences(of: "/", with: "-"))_\(sample.defect)_\((sample.fileName as NSString).deletingPathExtension).npy" }
        }
        let evaluation = try Evaluation.run(detector, on: dataset, calibration: checkpoint.calibration, progress: { inv.progress("scoring \($0)", done: $1, total: $2) },
                                            shouldStop: { inv.context.interrupt.isSet }) { sample, map, _ in
            if let path = mapPath(sample) { try NPY.write(map, to: path) }
        }
        inv.print(evaluation.report.table())
        if let calibration = checkpoint.calibration, let table = evaluation.operatingPointTable(fpr: calibration.fpr) { inv.print(table) }
        inv.print(String(format: "features %.1f s, scoring %.1f s", evaluation.featureSeconds, evaluation.scoringSeconds))
        if inv.has("json") {
            let path = try inv.path("json")
            try AtomicFile.write(try evaluation.json(protocol: [
                "image_size": detector.identity.imageSize, "backbone": detector.identity.name, "taps": detector.identity.taps,
                "image_score": "max of the Gaussian-smoothed map (sigma \(detector.network.config.blurSigma), truncate 4)",
                "pixel_metrics_on": "unsmoothed map", "epoch": "last", "mask_threshold": 0.5,
            ], mapPath: mapPath), to: path)
            inv.print("wrote \(path)")
        }
        return .record(Record(evaluation.report.categories.map { row in
            var fields = Record([("image_auroc", row.imageAUROC.map(Value.double) ?? .nil),
                                 ("pixel_auroc", row.pixelAUROC.map(Value.double) ?? .nil),
                                 ("aupro", row.aupro.map(Value.double) ?? .nil)])
            if let point = evaluation.operatingPoints[row.category] {
                fields["image_fpr"] = point.image.fpr.map(Value.double) ?? .nil
                fields["image_tpr"] = point.image.tpr.map(Value.double) ?? .nil
                fields["image_precision"] = point.image.precision.map(Value.double) ?? .nil
            }
            return (row.category, .record(fields))
        }))
    }
}
