using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DlGpuTools.Catalog;
using DlGpuTools.Recommendations;
using DlGpuTools.Validation;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Which GPU to buy or rent for a workload, budget and model: ranked by the performance model's expected
    /// speed per dollar at dated street, used or rental prices. From the pipeline (Get-CudaDevice), rates the
    /// card the user has and names the upgrades worth making.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GpuRecommendation")]
    [OutputType(typeof(GpuRecommendation))]
    public sealed class GetGpuRecommendationCommand : DlGpuCmdlet
    {
        /// <summary>Type names that select the buy and rent table views (each with its own units).</summary>
        public const string BuyTypeName = "DlGpuTools.GpuRecommendation#Buy";
        public const string RentTypeName = "DlGpuTools.GpuRecommendation#Rent";

        private CardCatalog? _catalog; // -CardTable's table, or the built-in one, from BeginProcessing
        private PriceTable? _prices; // -PriceTable's table, or the built-in one, from BeginProcessing

        // Not loaded at construction: PowerShell also builds cmdlet objects for help, where no table is needed.
        private CardCatalog Cards => _catalog ?? CardCatalog.BuiltIn;

        private PriceTable Prices => _prices ?? Catalog.PriceTable.BuiltIn;
        private bool _processedPipelineCard;

        [Parameter(Position = 0)]
        public Workload Workload { get; set; } = Workload.Learning;

        [Parameter]
        [ValidateFiniteRange(1, 10000000, "US dollars",
            ZeroMessage = "The budget is 0. If you typed -Budget $800: in PowerShell $800 is a variable (empty here, so 0). Write the "
            + "number alone: -Budget 800.")]
        public double Budget { get; set; }

        [Parameter]
        [ValidateFiniteRange(1, 4096, "GB")]
        public double MinimumMemoryGB { get; set; }

        [Parameter]
        [ValidateFiniteRange(1e6, 1e13, "parameters")]
        [ScaledNumberTransformation]
        public double ModelParameters { get; set; }

        /// <summary>A named model (Tab lists the presets): its published shape replaces -ModelParameters.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ModelPresetCompleter))]
        public string? Model { get; set; }

        /// <summary>Parameters a token passes through in a mixture of experts: memory from -ModelParameters, speed from these.</summary>
        [Parameter]
        [ValidateFiniteRange(1e6, 1e13, "parameters")]
        [ScaledNumberTransformation]
        public double ActiveParameters { get; set; }

        [Parameter]
        public TrainingMethod Method { get; set; }

        /// <summary>Inference: the smallest weight format to consider.</summary>
        [Parameter]
        public ModelPrecision MinimumPrecision { get; set; }

        [Parameter]
        public ModelPrecision KvCachePrecision { get; set; }

        [Parameter]
        public OptimizerKind Optimizer { get; set; } = OptimizerKind.AdamW;

        [Parameter]
        public OffloadKind Offload { get; set; }

        /// <summary>Best (default with -Budget): the most capable options within it. Value: speed per dollar.</summary>
        [Parameter]
        public RecommendationGoal Goal { get; set; }

        /// <summary>The serving engine: it decides how a model split over cards scales.</summary>
        [Parameter]
        [ValidateRegisteredId(typeof(InferenceEngines))]
        [ArgumentCompleter(typeof(InferenceEngineCompleter))]
        public string? Engine { get; set; }

        /// <summary>Tokens the training job processes in all: gives hours and cost per option.</summary>
        [Parameter]
        [ValidateFiniteRange(1e3, 1e16, "tokens")]
        [ScaledNumberTransformation]
        public double TrainTokens { get; set; }

        [Parameter]
        [ValidateFiniteRange(0.01, 10000, "epochs")]
        public double Epochs { get; set; }

        /// <summary>Tokens in one pass over the dataset (with -Epochs).</summary>
        [Parameter]
        [ValidateFiniteRange(1e3, 1e16, "tokens")]
        [ScaledNumberTransformation]
        public double DatasetTokens { get; set; }

        /// <summary>Years you will keep a bought card: the buy-versus-rent sums count its resale value.</summary>
        [Parameter]
        [ValidateFiniteRange(0.1, 20, "years")]
        public double HorizonYears { get; set; }

        [Parameter]
        public ModelPrecision Precision { get; set; } = ModelPrecision.BF16;

        [Parameter]
        public SwitchParameter Training { get; set; }

        [Parameter]
        [ValidateRange(1, 1048576)]
        [ScaledNumberTransformation(binary: true)]
        public int ContextLength { get; set; } = 4096;

        [Parameter]
        [ValidateRange(1, 4096)]
        public int BatchSize { get; set; } = 1;

        [Parameter]
        public SwitchParameter IncludeCloud { get; set; }

        /// <summary>The job's length in hours on one RTX 3090 (the Speed reference); each option's hours follow from its speed.</summary>
        [Parameter]
        [ValidateFiniteRange(0.1, 1000000, "hours")]
        public double TrainingHours { get; set; }

        [Parameter]
        [ValidateFiniteRange(0.0, 10.0, "US dollars per kWh")]
        public double ElectricityPrice { get; set; } = Recommender.DefaultElectricityUsdPerKwh;

        /// <summary>The card you have; binds from Get-CudaDevice's Name.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "DeviceName")]
        [ArgumentCompleter(typeof(CardNameCompleter))]
        public string? CurrentGpu { get; set; }

        /// <summary>
        /// The memory your device reports, in bytes (Get-CudaDevice's TotalMemory): picks the variant of a driver name that covers several.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("TotalMemory")]
        public ulong CurrentGpuMemoryBytes { get; set; }

        [Parameter]
        public SwitchParameter IncludeNonCuda { get; set; }

        [Parameter]
        [ValidateRange(1, 100)]
        public int Top { get; set; } = 5;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CardTable { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PriceTable { get; set; }

        protected override void BeginProcessing()
        {
            try
            {
                _catalog = CatalogLoader.Load(this, CardTable);
            }
            catch (TableLoadException e)
            {
                ThrowFailure(e, CardTable);
            }

            try
            {
                _prices = CatalogLoader.LoadPrices(this, PriceTable, Cards);
            }
            catch (TableLoadException e)
            {
                ThrowFailure(e, PriceTable);
            }

            if ((Bound(nameof(Training)) || Bound(nameof(Method))) && !Bound(nameof(ModelParameters)) && !Bound(nameof(Model)))
                ThrowFailure(RecommendationInputs.TrainingNeedsModel(), null);
        }

        protected override void ProcessRecord()
        {
            // Without pipeline input ProcessRecord runs once; with it, once per device.
            if (CurrentGpu == null && _processedPipelineCard) return;
            _processedPipelineCard = true;
            ModelShape? shape = null;
            if (Model != null)
            {
                try
                {
                    shape = RecommendationInputs.FindPreset(Model);
                }
                catch (RecommendationInputException e)
                {
                    ThrowFailure(e, Model);
                    return;
                }
            }

            bool training = Training || Bound(nameof(Method));
            double? parameters = shape?.Parameters ?? (Bound(nameof(ModelParameters)) ? ModelParameters : (double?)null);
            Workload workload = !Bound(nameof(Workload)) && parameters is double p
                ? (shape != null ? Recommender.ImpliedWorkload(shape, training) : Recommender.ImpliedWorkload(p, training))
                : Workload;
            var request = new RecommendationRequest
            {
                Workload = workload,
                BudgetUsd = Bound(nameof(Budget)) ? Budget : (double?)null,
                MinimumMemoryGB = Bound(nameof(MinimumMemoryGB)) ? MinimumMemoryGB : (double?)null,
                ModelParameters = parameters,
                ModelShape = shape,
                Model = shape?.Id,
                ActiveParameters = Bound(nameof(ActiveParameters)) ? ActiveParameters : (double?)null,
                Method = Bound(nameof(Method)) ? Method : (TrainingMethod?)null,
                MinimumPrecision = Bound(nameof(MinimumPrecision)) ? MinimumPrecision : (ModelPrecision?)null,
                KvCachePrecision = Bound(nameof(KvCachePrecision)) ? KvCachePrecision : (ModelPrecision?)null,
                Optimizer = Optimizer,
                Offload = Offload,
                Goal = Bound(nameof(Goal)) ? Goal : (RecommendationGoal?)null,
                Engine = Engine == null ? (InferenceEngine?)null : InferenceEngines.Parse(Engine),
                TrainTokens = Bound(nameof(TrainTokens)) ? TrainTokens : (double?)null,
                Epochs = Bound(nameof(Epochs)) ? Epochs : (double?)null,
                DatasetTokens = Bound(nameof(DatasetTokens)) ? DatasetTokens : (double?)null,
                HorizonYears = Bound(nameof(HorizonYears)) ? HorizonYears : (double?)null,
                Precision = Precision,
                Training = training,
                ContextLength = ContextLength,
                BatchSize = BatchSize,
                IncludeCloud = IncludeCloud,
                TrainingHours = Bound(nameof(TrainingHours)) ? TrainingHours : (double?)null,
                ElectricityUsdPerKwh = ElectricityPrice,
                CurrentCard = CurrentGpu,
                CurrentCardMemoryGiB = CurrentGpuMemoryBytes > 0 ? CurrentGpuMemoryBytes / (double)(1L << 30) : (double?)null,
                IncludeNonCuda = IncludeNonCuda,
                Top = Top,
            };

            IReadOnlyList<GpuRecommendation> results;
            var recommender = new Recommender(Cards, Prices, CardCatalog.CloudOffers);
            try
            {
                results = recommender.Recommend(request);
            }
            catch (CardLookupException e)
            {
                WriteFailure(CardNameException.From(e.Lookup, CurrentGpu ?? e.Lookup.Query), CurrentGpu);
                return;
            }
            catch (RecommendationInputException e)
            {
                // Only the engine's own word that the input cannot be estimated: any other exception is a bug and surfaces
                // as one, never as the user's mistake.
                WriteFailure(e, Model ?? (object?)ModelParameters);
                return;
            }

            foreach (string warning in RecommendationWarnings.For(request, results, Cards)) WriteWarning(warning);

            foreach (GpuRecommendation r in results)
            {
                var item = PSObject.AsPSObject(r);
                item.TypeNames.Insert(0, r.IsRental() ? RentTypeName : BuyTypeName);
                WriteObject(item);
            }
        }

        private bool Bound(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);
    }
}
