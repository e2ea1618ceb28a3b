using System;
using System.Collections.Generic;
using System.Management.Automation;
using DlGpuTools.Catalog;
using DlGpuTools.Recommendations;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Which GPU to buy or rent for a workload, budget and model; from the pipeline (Get-CudaDevice), rates
    /// the card the user has and names the upgrades worth making.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GpuRecommendation")]
    [OutputType(typeof(GpuRecommendation))]
    public sealed class GetGpuRecommendationCommand : DlGpuCmdlet
    {
        private CardCatalog _catalog;
        private bool _processedPipelineCard;

        [Parameter(Position = 0)]
        public Workload Workload { get; set; } = Workload.Learning;

        [Parameter]
        [ValidateRange(1, 10000000)]
        public double Budget { get; set; }

        [Parameter]
        [ValidateRange(1, 4096)]
        public double MinimumMemoryGB { get; set; }

        [Parameter]
        [ValidateRange(1e6, 1e13)]
        public double ModelParameters { get; set; }

        [Parameter]
        public ModelPrecision Precision { get; set; } = ModelPrecision.BF16;

        [Parameter]
        public SwitchParameter Training { get; set; }

        [Parameter]
        public SwitchParameter IncludeCloud { get; set; }

        [Parameter]
        [ValidateRange(0.1, 1000000)]
        public double TrainingHours { get; set; }

        /// <summary>The card you have; binds from Get-CudaDevice's Name.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "DeviceName")]
        [ArgumentCompleter(typeof(CardNameCompleter))]
        public string CurrentGpu { get; set; }

        [Parameter]
        public SwitchParameter IncludeNonCuda { get; set; }

        [Parameter]
        [ValidateRange(1, 100)]
        public int Top { get; set; } = 5;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string CardTable { get; set; }

        protected override void BeginProcessing()
        {
            _catalog = CatalogLoader.LoadOrThrow(this, CardTable);
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Training)) && !MyInvocation.BoundParameters.ContainsKey(nameof(ModelParameters)))
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(Messages.TrainingNeedsModel), "TrainingNeedsModelParameters", ErrorCategory.InvalidArgument, null)
                {
                    ErrorDetails = new ErrorDetails(Messages.TrainingNeedsModel) { RecommendedAction = Messages.TrainingNeedsModelRemedy },
                });
            }
        }

        protected override void ProcessRecord()
        {
            // Without pipeline input ProcessRecord runs once; with it, once per device.
            if (CurrentGpu == null && _processedPipelineCard) return;
            _processedPipelineCard = true;
            Workload workload = !Bound(nameof(Workload)) && Bound(nameof(ModelParameters))
                ? Recommender.ImpliedWorkload(ModelParameters, Training)
                : Workload;
            var request = new RecommendationRequest
            {
                Workload = workload,
                BudgetUsd = Bound(nameof(Budget)) ? Budget : (double?)null,
                MinimumMemoryGB = Bound(nameof(MinimumMemoryGB)) ? MinimumMemoryGB : (double?)null,
                ModelParameters = Bound(nameof(ModelParameters)) ? ModelParameters : (double?)null,
                Precision = Precision,
                Training = Training,
                IncludeCloud = IncludeCloud || Bound(nameof(TrainingHours)),
                TrainingHours = Bound(nameof(TrainingHours)) ? TrainingHours : (double?)null,
                CurrentCard = CurrentGpu,
                IncludeNonCuda = IncludeNonCuda,
                Top = Top,
            };

            IReadOnlyList<GpuRecommendation> results;
            var recommender = new Recommender(_catalog, CardCatalog.CloudOffers);
            try
            {
                results = recommender.Recommend(request);
            }
            catch (ArgumentException e)
            {
                WriteError(new ErrorRecord(e, "InvalidModel", ErrorCategory.InvalidArgument, ModelParameters)
                {
                    ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = Messages.TrainingNeedsModelRemedy },
                });
                return;
            }

            if (results.Count == 1 && results[0].Kind == "Current")
            {
                WriteWarning(Messages.Format(Messages.NoUpgrade, results[0].Card, workload));
            }
            else if (results.Count == 0)
            {
                WriteWarning(Messages.Format(Messages.NothingFits, workload));
            }

            double? needed = results.Count > 0 ? results[0].RequiredMemoryGB : null;
            if (request.ModelParameters != null && needed is double gb && !request.IncludeCloud && !recommender.AnyBuyableCardHolds(gb))
            {
                WriteWarning(Messages.Format(Messages.ModelNeedsSeveralCards, gb));
            }

            foreach (GpuRecommendation r in results) WriteObject(r);
        }

        private bool Bound(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);
    }
}
