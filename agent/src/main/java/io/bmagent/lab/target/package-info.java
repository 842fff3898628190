/**
 * The lab's NVMe/TCP cloud-disk target: a stand-in for the storage cluster in tests and demos.
 * It serves NVMe-oF subsystems over TCP (NVMe/TCP 1.0, NVMe-oF 1.1, dynamic controller model)
 * with namespaces backed by files or memory, supports snapshots, clones and restores, and can be
 * stopped and restarted on the same port to simulate a storage outage.
 */
package io.bmagent.lab.target;
