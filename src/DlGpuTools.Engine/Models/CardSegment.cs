namespace DlGpuTools
{
    /// <summary>The market a card is sold into (the card table's segment column).</summary>
    public enum CardSegment
    {
        /// <summary>GeForce cards.</summary>
        Consumer,

        /// <summary>Cards for individuals' professional work: the TITANs, and desktop boxes such as DGX Spark.</summary>
        Prosumer,

        /// <summary>Workstation cards (Quadro, RTX A and PRO series).</summary>
        Workstation,

        /// <summary>Data-centre parts (Tesla, A100, H100...): passively cooled or SXM, built into servers several at a time.</summary>
        Datacenter,
    }
}
