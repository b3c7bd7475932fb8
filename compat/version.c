// SPDX-License-Identifier: GPL-2.0
/* Where this ovpn.ko came from: upstream version and origin, backport commit. */
#include <linux/module.h>
#include "version.h"

MODULE_VERSION(OVPN_BACKPORTS_VERSION);
