namespace DlGpuTools.Recommendations
{
    /// <summary>What a budget is for.</summary>
    public enum RecommendationGoal
    {
        /// <summary>The most capable options the budget buys: memory first for language-model work, speed for vision and
        /// learning.</summary>
        Best,

        /// <summary>The most speed per dollar today; where two are within 20% of each other, the one with more memory first.</summary>
        Value,
    }
}
