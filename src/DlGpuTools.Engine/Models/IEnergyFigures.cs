namespace DlGpuTools
{
    /// <summary>
    /// The energy properties a result carries beside its own figures, filled by <see cref="Monitoring.EnergyMeasurement.CopyTo"/>.
    /// </summary>
    internal interface IEnergyFigures
    {
        double? EnergyJoules { get; set; }

        double? EnergySeconds { get; set; }

        double? AveragePowerW { get; set; }

        double? EnergyUncertaintyJoules { get; set; }

        string? EnergyMethod { get; set; }

        string? EnergyNote { get; set; }
    }
}
