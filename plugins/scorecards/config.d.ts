export interface Config {
  /**
   * The scorecards settings the entity card reads in the browser. The
   * scorecards backend reads the same keys (its config.d.ts has them all);
   * declared here as well so an app that has only this frontend plugin in
   * its dependencies still sends them to the browser.
   */
  scorecards?: {
    exemptions?: {
      /**
       * The longest an exemption may be requested for, in days. Default 90.
       * @visibility frontend
       */
      maxDays?: number;
      /**
       * Whether someone who may manage an entity's exemptions may approve
       * an exemption they requested themselves. Default false.
       * @visibility frontend
       */
      selfApproval?: boolean;
    };
  };
}
