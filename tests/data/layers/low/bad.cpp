// A lower layer including a higher one: check_layers.py must refuse it.
#include "a.h"
#include "../high/b.h"
